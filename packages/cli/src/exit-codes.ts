import { CavraError, type ErrorCode } from '@cavra/policy-model';
import type { CliIo } from './io.js';
import { errorPayload } from '@cavra/engine';

/** Exit statuses of `cavra-runtime` (documented in the README and `--help`; the values are stable). */
export const ExitStatus = {
  /** Done: a decision (or a command's result) was printed. */
  Ok: 0,
  /** An internal fault, output that could not be written, or a command whose result is "failed". */
  Failure: 1,
  /** Bad input or usage: nothing was decided. */
  BadInput: 2,
  /** `release verify`: the release directory failed verification; `evidence verify-log`: a broken record. */
  VerificationFailed: 3,
} as const;
export type ExitStatus = (typeof ExitStatus)[keyof typeof ExitStatus];

export const EXIT_OK = ExitStatus.Ok;
export const EXIT_FAILURE = ExitStatus.Failure;
export const EXIT_BAD_INPUT = ExitStatus.BadInput;
export const EXIT_VERIFICATION_FAILED = ExitStatus.VerificationFailed;

/**
 * One command's rows of the exit table: the status for each error code it names, and
 * `otherwise` for every other `CavraError` code. A thrown value that is not a `CavraError` is an
 * internal fault: always `ExitStatus.Failure`.
 */
export interface ExitRows {
  readonly codes?: Readonly<Partial<Record<ErrorCode, ExitStatus>>>;
  readonly otherwise?: ExitStatus;
}

/** The rows every command starts from: bad input is 2, our own faults are 1. */
const DEFAULT_ROWS = {
  // evidence_unwritable: the decision was made but could not be recorded, a fault of the environment.
  codes: {
    internal: ExitStatus.Failure,
    compile_failed: ExitStatus.Failure,
    output_failed: ExitStatus.Failure,
    evidence_unwritable: ExitStatus.Failure,
  },
  otherwise: ExitStatus.BadInput,
} as const satisfies ExitRows;

/**
 * THE exit table: (command, error code) → exit status. A command (the first argument, or
 * `decide` for a decision) that has no row here uses the default rows. A command that needs other
 * statuses adds one line here (see CONTRIBUTING.md); its rows are looked up first, then the
 * default rows.
 */
export const EXIT_TABLE: Readonly<Record<string, ExitRows>> = {
  decide: DEFAULT_ROWS,
  // Python's `cavra policy …` exits 1 for every failure; only a usage error is 2.
  policy: { codes: { usage: ExitStatus.BadInput, output_failed: ExitStatus.Failure }, otherwise: ExitStatus.Failure },
  // Python's `cavra evidence …`: usage 2, every other failure (handled or a crash) 1.
  evidence: { codes: { usage: ExitStatus.BadInput }, otherwise: ExitStatus.Failure },
  // `release verify`: a failed verification 3, our own fault 1, bad input or usage 2.
  release: {
    codes: { release_verification_failed: ExitStatus.VerificationFailed, internal: ExitStatus.Failure },
    otherwise: ExitStatus.BadInput,
  },
};

/** The exit status for `error` raised by `command`; the one place error codes become exit statuses. */
export function exitStatusFor(command: string, error: unknown): ExitStatus {
  if (!(error instanceof CavraError)) return ExitStatus.Failure;
  const rows: ExitRows | undefined = Object.hasOwn(EXIT_TABLE, command) ? EXIT_TABLE[command] : undefined;
  const defaults: ExitRows = DEFAULT_ROWS;
  return rows?.codes?.[error.code] ?? rows?.otherwise ?? defaults.codes?.[error.code] ?? DEFAULT_ROWS.otherwise;
}

/** `exitStatusFor('decide', error)`. */
export const exitCodeFor = (error: unknown): ExitStatus => exitStatusFor('decide', error);

/** `exitStatusFor('policy', error)`. */
export const policyCommandExitCodeFor = (error: unknown): ExitStatus => exitStatusFor('policy', error);

// The machine-readable error object `{"error": {"code", "message", "issues"?, "python"?}}`: one
// definition, shared with the batch path and the server.
export { errorPayload, type ErrorPayload } from '@cavra/engine';

/** THE error writer: one JSON line on stderr, for every command. */
export function writeError(io: Pick<CliIo, 'stderr'>, error: unknown): void {
  io.stderr.write(`${JSON.stringify(errorPayload(error))}\n`);
}

/** Write `error` and return its exit status for `command`: what a command's failure ends with. */
export function reportError(io: Pick<CliIo, 'stderr'>, command: string, error: unknown): ExitStatus {
  writeError(io, error);
  return exitStatusFor(command, error);
}
