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

/** The machine-readable error object printed for a failure: `{"error": {"code", "message", "issues"?, "python"?}}`. */
export function errorPayload(error: unknown): {
  error: { code: ErrorCode; message: string; issues?: unknown; python?: string };
} {
  if (error instanceof CavraError) {
    return {
      error: {
        code: error.code,
        message: error.message,
        ...(error.issues ? { issues: error.issues } : {}),
        // Python's exception line for the same cause, where there is one (parity).
        ...(error.python ? { python: error.python } : {}),
      },
    };
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { error: { code: 'internal', message } };
}
