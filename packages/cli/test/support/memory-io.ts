import { Readable } from 'node:stream';
import type { CliIo } from '../../src/io.js';
import { main } from '../../src/main.js';

export interface MemoryRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** An in-memory CliIo: stdin holds `input` (or is the given stream), stdout/stderr are collected. */
export function memoryIo(
  input: string | Buffer | NodeJS.ReadableStream = '',
  options: { env?: Record<string, string | undefined>; cwd?: string } = {},
): { io: CliIo; stdout: () => string; stderr: () => string } {
  let stdout = '';
  let stderr = '';
  const stdin = typeof input === 'string' || Buffer.isBuffer(input) ? Readable.from([Buffer.from(input)]) : input;
  const io: CliIo = {
    stdin,
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: { write: (chunk: string) => (stderr += chunk) },
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
  };
  return { io, stdout: () => stdout, stderr: () => stderr };
}

/** `main(argv, io)` in-process, with an in-memory CliIo. */
export async function runMain(
  argv: readonly string[],
  input: string | Buffer | NodeJS.ReadableStream = '',
  options: { env?: Record<string, string | undefined>; cwd?: string } = {},
): Promise<MemoryRun> {
  const memory = memoryIo(input, options);
  const code = await main(argv, memory.io);
  return { code, stdout: memory.stdout(), stderr: memory.stderr() };
}
