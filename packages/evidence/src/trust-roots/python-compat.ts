import {
  CavraError,
  PyJsonSyntaxError,
  PyUnicodeDecodeError,
  decodePyTextFile,
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

/**
 * Python-compatibility rule: `Path.read_text(encoding="utf-8")`: strict UTF-8 (an invalid byte is
 * a `UnicodeDecodeError`, itself a `ValueError`) and universal newlines (`\r\n` and a lone `\r`
 * become `\n`).
 */
export function decodePythonText(bytes: Uint8Array): string {
  try {
    // A leading BOM stays U+FEFF, as Python's utf-8 codec keeps it (json.loads then refuses it).
    return decodePyTextFile(bytes);
  } catch (error) {
    if (error instanceof PyUnicodeDecodeError) throw new PyValueError(error.message);
    throw error;
  }
}

/** Python `json.loads(text)`; a syntax error is a `PyValueError` (Python's `JSONDecodeError`) with Python's text. */
export function loadsPythonJson(text: string): PyValue {
  // parsePyJson refuses a leading BOM with json.loads's own message.
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
