import { CavraError, type ErrorCode } from '@cavra/policy-model';

/** Exit statuses of `cavra-runtime` (documented in the README and `--help`). */
export const EXIT_OK = 0;
/** An internal fault, or a command whose result is "failed" (`policy compile` of an invalid policy). */
export const EXIT_FAILURE = 1;
/** Bad input or usage: nothing was decided. */
export const EXIT_BAD_INPUT = 2;
/** `release verify`: the release directory failed verification. */
export const EXIT_VERIFICATION_FAILED = 3;

const FAILURE_CODES: ReadonlySet<ErrorCode> = new Set(['internal', 'compile_failed']);

/** The one place error codes become exit statuses. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof CavraError) return FAILURE_CODES.has(error.code) ? EXIT_FAILURE : EXIT_BAD_INPUT;
  return EXIT_FAILURE;
}

/**
 * `cavra-runtime policy …` mirrors Python's `cavra policy …`, which exits 1 for every failure
 * (invalid policy, missing file, pack or YAML errors); only a usage error is 2.
 */
export function policyCommandExitCodeFor(error: unknown): number {
  return error instanceof CavraError && error.code === 'usage' ? EXIT_BAD_INPUT : EXIT_FAILURE;
}

// The `{"error": {...}}` object: one definition, shared with the batch path and the server.
export { errorPayload } from '@cavra/engine';
