import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

/** Why a file could not be read; callers turn this into their own `*_unreadable` error. */
export type FileReadFailure = 'not_found' | 'is_directory' | 'not_regular' | 'too_large' | 'unreadable';

export class FileReadError extends Error {
  readonly reason: FileReadFailure;
  readonly path: string;
  constructor(reason: FileReadFailure, path: string, message: string) {
    super(message);
    this.name = 'FileReadError';
    this.reason = reason;
    this.path = path;
  }
}

export const isFileReadError = (error: unknown): error is FileReadError => error instanceof FileReadError;

/** Default bound for configuration files (policies, registries, keys, routing files): 16 MiB. */
export const DEFAULT_MAX_FILE_BYTES = 16 * 1024 * 1024;

/**
 * Reads a whole file that must be a regular file of at most `maxBytes` bytes. FIFOs, devices
 * (`/dev/zero`), sockets and directories are refused without blocking: the file is opened with
 * O_NONBLOCK and checked with fstat on the opened descriptor, so a symlink is judged by what it
 * points to and cannot be swapped between the check and the read. A file that grows past the bound
 * while it is read is refused too.
 */
export function readRegularFile(path: string, maxBytes: number = DEFAULT_MAX_FILE_BYTES): Buffer {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new FileReadError('not_found', path, `${path}: no such file`);
    if (code === 'EISDIR') throw new FileReadError('is_directory', path, `${path}: is a directory`);
    throw new FileReadError('unreadable', path, `${path}: cannot open (${code ?? 'error'})`);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new FileReadError('is_directory', path, `${path}: is a directory`);
    if (!stat.isFile()) throw new FileReadError('not_regular', path, `${path}: not a regular file`);
    if (stat.size > maxBytes) {
      throw new FileReadError('too_large', path, `${path}: larger than ${maxBytes} bytes`);
    }
    const chunks: Buffer[] = [];
    let total = 0;
    const chunkSize = Math.min(Math.max(stat.size + 1, 4096), maxBytes + 1);
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(chunkSize, maxBytes + 1 - total));
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      total += read;
      if (total > maxBytes) throw new FileReadError('too_large', path, `${path}: larger than ${maxBytes} bytes`);
      chunks.push(read === chunk.length ? chunk : chunk.subarray(0, read));
    }
    return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, total);
  } catch (error) {
    if (error instanceof FileReadError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EISDIR') throw new FileReadError('is_directory', path, `${path}: is a directory`);
    throw new FileReadError('unreadable', path, `${path}: cannot read (${code ?? 'error'})`);
  } finally {
    closeSync(fd);
  }
}
