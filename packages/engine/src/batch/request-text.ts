import { CavraError, type ErrorCode } from '@cavra/policy-model';

/** A request (one JSON document, or one batch line without its terminator) may be at most 1 MiB. */
export const MAX_REQUEST_BYTES = 1024 * 1024;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The bytes `[start, end)` as UTF-8 text; invalid UTF-8 is `invalid_json` (never replaced silently). */
export function decodeRequestUtf8(bytes: Buffer, start: number, end: number): string {
  const text = bytes.toString('utf8', start, end);
  // toString() replaces bad sequences with U+FFFD silently; only then pay for a strict decode.
  if (text.includes('\uFFFD')) {
    try {
      strictUtf8.decode(bytes.subarray(start, end));
    } catch {
      throw new CavraError('invalid_json', 'request is not valid UTF-8');
    }
  }
  return text;
}

/** One request document parsed; bad JSON is `invalid_json`. */
export function parseRequestJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new CavraError('invalid_json', `request is not valid JSON: ${(error as Error).message}`);
  }
}

export const requestTooLarge = (what = 'request line'): CavraError =>
  new CavraError('request_too_large', `${what} is larger than ${MAX_REQUEST_BYTES} bytes`);

export interface ErrorPayload {
  error: { code: ErrorCode; message: string; issues?: unknown };
}

/**
 * The machine-readable error object answered for a failure: `{"error": {"code", "message",
 * "issues"?}}`. Anything that is not a `CavraError` is a fault of ours: code `internal`.
 */
export function errorPayload(error: unknown): ErrorPayload {
  if (error instanceof CavraError) {
    return {
      error: { code: error.code, message: error.message, ...(error.issues ? { issues: error.issues } : {}) },
    };
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { error: { code: 'internal', message } };
}
