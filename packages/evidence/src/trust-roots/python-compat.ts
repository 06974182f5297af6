import {
  CavraError,
  PyJsonSyntaxError,
  dumpsPyJson,
  parsePyJson,
  pyQualifiedTypeName,
  pyStrRepr,
  type PyValue,
} from '@cavra/policy-model';

/**
 * A failure Python raises as `ValueError` (or `FileNotFoundError`) and the `cavra evidence`
 * commands catch: its message alone is the command's output (or one verification error line).
 */
export class PyValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PyValueError';
  }
}

/** Python's `OSError` family (`FileNotFoundError`, `IsADirectoryError`), with its `str()` text. */
export class PyOsError extends Error {
  constructor(
    readonly pythonType: 'FileNotFoundError' | 'IsADirectoryError' | 'PermissionError' | 'OSError',
    message: string,
  ) {
    super(message);
    this.name = 'PyOsError';
  }
}

export const fileNotFound = (path: string): PyOsError =>
  new PyOsError('FileNotFoundError', `[Errno 2] No such file or directory: ${pyStrRepr(path)}`);
export const isADirectory = (path: string): PyOsError =>
  new PyOsError('IsADirectoryError', `[Errno 21] Is a directory: ${pyStrRepr(path)}`);

/**
 * Where Python dies with a traceback, fail closed with a typed error instead: exit 1 like Python,
 * with Python's last traceback line in `python`.
 */
export function pythonCrash(
  pythonLine: string,
  message: string,
  code: 'evidence_invalid' | 'evidence_unreadable' = 'evidence_invalid',
): CavraError {
  return new CavraError(code, message, { python: pythonLine });
}

/** A `PyOsError` that the command does not catch: the crash Python would have. */
export const crashFromOsError = (error: PyOsError): CavraError =>
  pythonCrash(`${error.pythonType}: ${error.message}`, error.message, 'evidence_unreadable');

/** `AttributeError: '<type>' object has no attribute '<name>'` on a value that is not a dict. */
export const attributeCrash = (value: PyValue, attribute: string): CavraError =>
  pythonCrash(
    `AttributeError: '${pyQualifiedTypeName(value)}' object has no attribute '${attribute}'`,
    `expected a JSON object, found ${pyQualifiedTypeName(value)}`,
  );

/** Files the evidence commands read, as a callback so that the I/O stays in the caller. Throws `PyOsError`. */
export type ReadBytes = (path: string) => Uint8Array;

// ignoreBOM keeps a leading U+FEFF in the text, as Python's utf-8 codec does (json.loads then refuses it).
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Where and why a byte sequence is not UTF-8, in CPython's `UnicodeDecodeError` terms. */
function utf8Problem(bytes: Uint8Array): { start: number; end: number; reason: string } {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min = 0x80;
    let max = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) min = 0xa0;
      if (b === 0xed) max = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) min = 0x90;
      if (b === 0xf4) max = 0x8f;
    } else return { start: i, end: i + 1, reason: 'invalid start byte' };
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined) return { start: i, end: bytes.length, reason: 'unexpected end of data' };
      const lo = k === 1 ? min : 0x80;
      const hi = k === 1 ? max : 0xbf;
      if (c < lo || c > hi) return { start: i, end: i + k, reason: 'invalid continuation byte' };
    }
    i += need + 1;
  }
  return { start: 0, end: 1, reason: 'invalid start byte' };
}

/**
 * Python-compatibility rule: `Path.read_text(encoding="utf-8")`: strict UTF-8 (an invalid byte is
 * a `UnicodeDecodeError`, itself a `ValueError`) and universal newlines (`\r\n` and a lone `\r`
 * become `\n`).
 */
export function decodePythonText(bytes: Uint8Array): string {
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    const { start, end, reason } = utf8Problem(bytes);
    const where =
      end - start > 1
        ? `bytes in position ${start}-${end - 1}`
        : `byte 0x${(bytes[start] as number).toString(16).padStart(2, '0')} in position ${start}`;
    throw new PyValueError(`'utf-8' codec can't decode ${where}: ${reason}`);
  }
  return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
}

/** Python `json.loads(text)`; a syntax error is a `PyValueError` (Python's `JSONDecodeError`) with Python's text. */
export function loadsPythonJson(text: string): PyValue {
  if (text.startsWith('\ufeff')) {
    throw new PyValueError('Unexpected UTF-8 BOM (decode using utf-8-sig): line 1 column 1 (char 0)');
  }
  try {
    return parsePyJson(text);
  } catch (error) {
    if (error instanceof PyJsonSyntaxError) throw new PyValueError(error.message);
    throw error;
  }
}

/** `json.loads(Path(path).read_text(encoding="utf-8"))`. */
export const readPythonJson = (read: ReadBytes, path: string): PyValue =>
  loadsPythonJson(decodePythonText(read(path)));

/** `write_json`: `json.dumps(value, indent=2, sort_keys=True) + "\n"` (ASCII escapes, code-point key order). */
export const pythonJsonFileText = (value: PyValue): string =>
  `${dumpsPyJson(value, { indent: 2, sortKeys: true })}\n`;

/** `json.dumps(value, sort_keys=True)`: one line, `", "` and `": "` separators, ASCII escapes. The signing input. */
export const pythonCanonicalJson = (value: PyValue): string => dumpsPyJson(value, { sortKeys: true });

/** `str(Path(directory) / name)` for a directory already printed as `str(Path(...))`. */
export const pythonJoin = (directory: string, name: string): string =>
  directory === '.' ? name : directory.endsWith('/') ? `${directory}${name}` : `${directory}/${name}`;

/** `dict.get(key)` on a parsed JSON object; `undefined` when absent. */
export const pyGet = (dict: Map<PyValue, PyValue>, key: string): PyValue | undefined => dict.get(key);
