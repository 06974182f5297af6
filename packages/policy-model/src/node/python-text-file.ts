import { CavraError, type ErrorCode } from '../errors.js';
import { PyUnicodeDecodeError, decodePyTextFile } from '../python/utf8.js';
import { DEFAULT_MAX_FILE_BYTES, isFileReadError, readRegularFile } from './read-regular-file.js';

export interface PythonTextFileOptions {
  /** Code for a file that cannot be read: missing, a directory, not a regular file, too large. */
  unreadable: ErrorCode;
  /** Code for bytes that are not UTF-8 (Python: `UnicodeDecodeError`). */
  undecodable: ErrorCode;
  /** What the file is, for messages (`policy file`, `trust registry`). */
  what: string;
  /** The path as messages show it (default: `path`). */
  shown?: string;
  maxBytes?: number;
}

/** The default: a policy YAML file (`policy validate`, `compile --overlay`, pack files). */
export const POLICY_TEXT_FILE: PythonTextFileOptions = {
  unreadable: 'policy_unreadable',
  undecodable: 'policy_yaml',
  what: 'policy file',
};

/**
 * Read a text file the way Python's `Path.read_text(encoding='utf-8')` does, safely: only a
 * regular file of bounded size is read (a FIFO, `/dev/zero` or a symlink to a device is refused
 * at once, never read), bytes are strict UTF-8 with Python's `UnicodeDecodeError` line, a leading
 * BOM is kept as U+FEFF (Python's JSON then refuses it, PyYAML skips it), and `\r\n`/`\r` read as
 * `\n`. See docs/python-compatibility.md, "Reading a text file".
 */
export function readPythonTextFile(path: string, options: PythonTextFileOptions = POLICY_TEXT_FILE): string {
  const shown = options.shown ?? path;
  let bytes: Buffer;
  try {
    bytes = readRegularFile(path, options.maxBytes ?? DEFAULT_MAX_FILE_BYTES);
  } catch (error) {
    if (!isFileReadError(error)) throw error;
    const python =
      error.reason === 'not_found'
        ? `FileNotFoundError: [Errno 2] No such file or directory: '${shown}'`
        : error.reason === 'is_directory'
          ? `IsADirectoryError: [Errno 21] Is a directory: '${shown}'`
          : undefined;
    const why = {
      not_found: 'no such file',
      is_directory: 'is a directory',
      not_regular: 'not a regular file (FIFOs, devices and sockets are refused)',
      too_large: `larger than ${options.maxBytes ?? DEFAULT_MAX_FILE_BYTES} bytes`,
      unreadable: error.message,
    }[error.reason];
    throw new CavraError(
      options.unreadable,
      `cannot read ${options.what} ${shown}: ${why}`,
      python ? { python } : {},
    );
  }
  try {
    return decodePyTextFile(bytes);
  } catch (error) {
    if (!(error instanceof PyUnicodeDecodeError)) throw error;
    throw new CavraError(
      options.undecodable,
      `${options.what} ${shown} is not valid UTF-8: ${error.message}`,
      {
        python: error.pythonLine,
      },
    );
  }
}
