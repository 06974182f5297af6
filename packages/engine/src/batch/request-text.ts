import { CavraError, parsePyJson, type ErrorCode, type PyValue } from '@cavra/policy-model';
import { isReleaseGovernanceInput } from '../release-governance-request.js';

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

/**
 * One request document parsed; bad JSON is `invalid_json`. Release-governance records hold
 * numbers whose Python type matters (1 vs 1.0, big ints, 1e400, NaN): only those requests are read
 * again with the Python-exact parser; the five action types pay one property check.
 */
export function parseRequestJson(text: string): unknown {
  let request: unknown;
  try {
    request = JSON.parse(text) as unknown;
  } catch (error) {
    // Python's reader also accepts NaN and Infinity, which a release-governance record may carry.
    const exact = text.includes('release_governance_record') ? tryParsePyJson(text) : undefined;
    if (exact !== undefined && isReleaseGovernanceInput(exact)) return exact;
    throw new CavraError('invalid_json', `request is not valid JSON: ${(error as Error).message}`);
  }
  return isReleaseGovernanceInput(request) ? parsePyJson(text) : request;
}

function tryParsePyJson(text: string): PyValue | undefined {
  try {
    return parsePyJson(text);
  } catch {
    return undefined;
  }
}

export const requestTooLarge = (what = 'request line', maxBytes = MAX_REQUEST_BYTES): CavraError =>
  new CavraError('request_too_large', `${what} is larger than ${maxBytes} bytes`);

export interface ErrorPayload {
  error: { code: ErrorCode; message: string; issues?: unknown; python?: string };
}

/**
 * The machine-readable error object answered for a failure: `{"error": {"code", "message",
 * "issues"?, "python"?}}`. Anything that is not a `CavraError` is a fault of ours: code `internal`.
 */
export function errorPayload(error: unknown): ErrorPayload {
  if (error instanceof CavraError) {
    return {
      error: {
        code: error.code,
        message: error.message,
        ...(error.issues ? { issues: error.issues } : {}),
        // Python's exception line for the same cause, where there is one (parity checks).
        ...(error.python ? { python: error.python } : {}),
      },
    };
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { error: { code: 'internal', message } };
}
