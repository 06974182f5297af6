/** Stable codes for harness failures; every one of them is a setup/usage problem (exit 2). */
export const HARNESS_ERROR_CODES = [
  'usage',
  'python_not_found',
  'python_cli_failed',
  'adapter_start_failed',
  'adapter_protocol',
  'adapter_exited',
  'fixture_invalid',
] as const;
export type HarnessErrorCode = (typeof HARNESS_ERROR_CODES)[number];

export class HarnessError extends Error {
  readonly code: HarnessErrorCode;

  constructor(code: HarnessErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HarnessError';
    this.code = code;
  }
}

export const isHarnessError = (error: unknown): error is HarnessError => error instanceof HarnessError;

/** Exit status contract of `pnpm parity`: 0 clean, 1 unexplained mismatch, 2 usage/setup. */
export const EXIT = { ok: 0, mismatch: 1, setup: 2 } as const;
