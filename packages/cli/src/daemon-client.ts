import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CavraError, ERROR_CODES, type ErrorCode } from '@cavra/policy-model';
import { MAX_REQUEST_BYTES, decodeRequestUtf8, parseRequestJson } from '@cavra/engine';
import { EXIT_FAILURE, EXIT_OK } from './exit-codes.js';
import type { CliIo } from './io.js';

/** The socket `--daemon`, `serve` (for `daemon start`) and `daemon` use when `--socket` is not given. */
export function defaultSocketPath(io: Pick<CliIo, 'env' | 'cwd'>): string {
  if (io.env.CAVRA_SOCKET) return resolve(io.cwd, io.env.CAVRA_SOCKET);
  const uid = typeof process.getuid === 'function' ? process.getuid() : 'user';
  return join(io.env.XDG_RUNTIME_DIR || tmpdir(), `cavra-runtime-${uid}.sock`);
}

/** Connects to the server's socket; resolves undefined when nobody answers there. */
export function connectDaemon(path: string, timeoutMs = 1000): Promise<Socket | undefined> {
  return new Promise((done) => {
    const socket = connect({ path, allowHalfOpen: true });
    const timer = setTimeout(() => {
      socket.destroy();
      done(undefined);
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      done(socket);
    });
    socket.once('error', () => {
      clearTimeout(timer);
      done(undefined);
    });
  });
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk);
    size += buffer.length;
    if (size > MAX_REQUEST_BYTES) {
      throw new CavraError('request_too_large', `request is larger than ${MAX_REQUEST_BYTES} bytes`);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

const lostDaemon = (): CavraError =>
  new CavraError('daemon_unavailable', 'the server closed the connection before answering every request');

/** One request: the document is parsed here (so bad input fails as in-process) and sent as one line. */
async function singleViaDaemon(socket: Socket, input: NodeJS.ReadableStream, io: CliIo): Promise<number> {
  let request: unknown;
  try {
    const bytes = await readAll(input);
    request = parseRequestJson(decodeRequestUtf8(bytes, 0, bytes.length));
  } catch (error) {
    socket.destroy();
    throw error;
  }
  const answer = await new Promise<string>((done, fail) => {
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.once('error', () => fail(lostDaemon()));
    socket.once('end', () => done(Buffer.concat(chunks).toString('utf8')));
    socket.end(`${JSON.stringify(request)}\n`);
  });
  const newline = answer.indexOf('\n');
  if (newline === -1) throw lostDaemon();
  const parsed = JSON.parse(answer.slice(0, newline)) as { error?: { code: string; message: string; issues?: unknown } };
  if (parsed.error) {
    // The server's error, raised as the same CavraError an in-process decision would raise.
    const code = (ERROR_CODES as readonly string[]).includes(parsed.error.code) ? (parsed.error.code as ErrorCode) : 'internal';
    throw new CavraError(code, parsed.error.message, Array.isArray(parsed.error.issues) ? { issues: parsed.error.issues } : {});
  }
  io.stdout.write(`${JSON.stringify(parsed, null, 2)}\n`);
  return EXIT_OK;
}

const INTERNAL_PREFIX = Buffer.from('{"error":{"code":"internal"');

/** Counts answer lines that report an internal fault, across chunk boundaries. */
export class InternalFaultCounter {
  count = 0;
  private head = Buffer.alloc(0);
  private headChecked = false;

  scan(chunk: Buffer): void {
    const n = INTERNAL_PREFIX.length;
    for (let pos = 0; pos < chunk.length; ) {
      const newline = chunk.indexOf(0x0a, pos);
      const end = newline === -1 ? chunk.length : newline;
      if (!this.headChecked) {
        this.head = Buffer.concat([this.head, chunk.subarray(pos, Math.min(end, pos + n - this.head.length))]);
        if (this.head.length >= n || newline !== -1) {
          if (this.head.equals(INTERNAL_PREFIX)) this.count++;
          this.headChecked = true;
        }
      }
      if (newline === -1) break;
      this.head = Buffer.alloc(0);
      this.headChecked = false;
      pos = newline + 1;
    }
  }
}

/** A batch: input is piped to the server as it is read, answers to stdout as they come, in order. */
async function batchViaDaemon(socket: Socket, input: NodeJS.ReadableStream, io: CliIo): Promise<number> {
  const stdout = io.stdout as NodeJS.WritableStream & { write(chunk: Uint8Array): boolean };
  const faults = new InternalFaultCounter();
  let lastByte = 0x0a;
  const finished = new Promise<void>((done, fail) => {
    socket.on('data', (chunk: Buffer) => {
      faults.scan(chunk); // the exit status is the same as in-process: 1 when a line met an internal fault
      lastByte = chunk[chunk.length - 1] ?? lastByte;
      if (!stdout.write(chunk) && typeof stdout.once === 'function') {
        socket.pause();
        stdout.once('drain', () => socket.resume());
      }
    });
    socket.once('error', () => fail(lostDaemon()));
    socket.once('end', () => done());
  });
  finished.catch(() => undefined); // awaited below; a failure while still sending is not unhandled
  for await (const chunk of input) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk);
    if (socket.destroyed) break;
    if (!socket.write(buffer)) await Promise.race([new Promise<void>((done) => socket.once('drain', done)), finished]);
  }
  socket.end();
  await finished;
  // An answer cut off mid-line means the server went away: never pass a half line off as complete.
  if (lastByte !== 0x0a) throw lostDaemon();
  return faults.count > 0 ? EXIT_FAILURE : EXIT_OK;
}

/**
 * `cavra-runtime --daemon [--socket PATH] [--require-daemon]`: sends the request(s) to a running
 * server; the output is the same as in-process. When no server answers, decides in-process
 * (`fallback`) unless `--require-daemon` (then `daemon_unavailable`, exit 2).
 */
export async function decideViaDaemon(options: {
  socketPath: string;
  requireDaemon: boolean;
  batch: boolean;
  input: NodeJS.ReadableStream;
  io: CliIo;
  fallback: () => Promise<number>;
}): Promise<number> {
  const socket = await connectDaemon(options.socketPath);
  if (!socket) {
    if (options.requireDaemon) {
      throw new CavraError('daemon_unavailable', `no cavra-runtime server answers on ${options.socketPath}`);
    }
    return options.fallback();
  }
  return options.batch ? batchViaDaemon(socket, options.input, options.io) : singleViaDaemon(socket, options.input, options.io);
}
