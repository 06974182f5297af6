import {
  PyJsonSyntaxError,
  PyUnicodeDecodeError,
  decodePyTextFile,
  parsePyJson,
  type ErrorCode,
  type PyValue,
} from '@cavra/policy-model';
import { approvalsError } from './errors.js';

/**
 * Python's `bytes.decode('utf-8')` for a file read in text mode: strict, a BOM is kept as
 * U+FEFF, universal newlines (`\r\n`, `\r` → `\n`). Throws Python's `UnicodeDecodeError` text.
 */
export function decodePythonText(bytes: Uint8Array, code: ErrorCode = 'routing_file_invalid'): string {
  try {
    return decodePyTextFile(bytes);
  } catch (error) {
    if (error instanceof PyUnicodeDecodeError) throw approvalsError(code, 'UnicodeDecodeError', error.message);
    throw error;
  }
}

/** Python's `json.loads(text)`: a leading BOM is refused; errors are Python's `JSONDecodeError` text. */
export function parsePythonJsonText(text: string, code: ErrorCode = 'routing_file_invalid'): PyValue {
  // parsePyJson refuses a leading BOM with json.loads's own message.
  try {
    return parsePyJson(text);
  } catch (error) {
    if (error instanceof PyJsonSyntaxError) throw approvalsError(code, 'JSONDecodeError', error.message);
    throw error;
  }
}
