import { PyJsonSyntaxError, parsePyJson, type ErrorCode, type PyValue } from '@cavra/policy-model';
import { approvalsError } from './errors.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

const isContinuation = (b: number | undefined): boolean => b !== undefined && b >= 0x80 && b <= 0xbf;

/** The valid range of the second byte after a lead byte (UTF-8's overlong and surrogate exclusions). */
function secondByteRange(lead: number): readonly [number, number] {
  if (lead === 0xe0) return [0xa0, 0xbf];
  if (lead === 0xed) return [0x80, 0x9f];
  if (lead === 0xf0) return [0x90, 0xbf];
  if (lead === 0xf4) return [0x80, 0x8f];
  return [0x80, 0xbf];
}

/** Where and why CPython's UTF-8 decoder stops: `[start, end)` and its reason. */
function firstDecodeError(bytes: Uint8Array): { start: number; end: number; reason: string } | undefined {
  for (let i = 0; i < bytes.length; ) {
    const lead = bytes[i] as number;
    if (lead < 0x80) {
      i++;
      continue;
    }
    const length = lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
    if (length === 0) return { start: i, end: i + 1, reason: 'invalid start byte' };
    const [low, high] = secondByteRange(lead);
    for (let k = 1; k < length; k++) {
      const b = bytes[i + k];
      if (b === undefined) return { start: i, end: bytes.length, reason: 'unexpected end of data' };
      const ok = k === 1 ? b >= low && b <= high : isContinuation(b);
      if (!ok) return { start: i, end: i + k, reason: 'invalid continuation byte' };
    }
    i += length;
  }
  return undefined;
}

/**
 * Python's `bytes.decode('utf-8')` for a file read in text mode: strict, a BOM is kept as
 * U+FEFF, universal newlines (`\r\n`, `\r` → `\n`). Throws Python's `UnicodeDecodeError` text.
 */
export function decodePythonText(bytes: Uint8Array, code: ErrorCode = 'routing_file_invalid'): string {
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    const error = firstDecodeError(bytes) ?? { start: 0, end: 1, reason: 'invalid start byte' };
    const where =
      error.end - error.start === 1
        ? `byte 0x${(bytes[error.start] ?? 0).toString(16).padStart(2, '0')} in position ${error.start}`
        : `bytes in position ${error.start}-${error.end - 1}`;
    throw approvalsError(code, 'UnicodeDecodeError', `'utf-8' codec can't decode ${where}: ${error.reason}`);
  }
  return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
}

/** Python's `json.loads(text)`: a leading BOM is refused; errors are Python's `JSONDecodeError` text. */
export function parsePythonJsonText(text: string, code: ErrorCode = 'routing_file_invalid'): PyValue {
  if (text.startsWith('\uFEFF')) {
    throw approvalsError(code, 'JSONDecodeError', 'Unexpected UTF-8 BOM (decode using utf-8-sig): line 1 column 1 (char 0)');
  }
  try {
    return parsePyJson(text);
  } catch (error) {
    if (error instanceof PyJsonSyntaxError) throw approvalsError(code, 'JSONDecodeError', error.message);
    throw error;
  }
}
