import { chmodSync, lstatSync, unlinkSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { CavraError } from '@cavra/policy-model';
import { BatchStream, MAX_REQUEST_BYTES } from '@cavra/engine';
import type { DecisionService } from './answer.js';

export interface SocketServerOptions {
  path: string;
  service: DecisionService;
  maxLineBytes?: number;
  /** A connection with no traffic for this long is closed (ms). Default 5 minutes. */
  idleTimeoutMs?: number;
}

/** Resolves true when something accepts a connection on the Unix socket `path`. */
export function socketAnswers(path: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect(path);
    const timer = setTimeout(() => {
      probe.destroy();
      resolve(false);
    }, timeoutMs);
    probe.once('connect', () => {
      clearTimeout(timer);
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
}

/**
 * A socket file left behind by a server that died (kill -9) is removed; a live server on the path,
 * or a path that is not a socket, refuses the start.
 */
async function clearStaleSocket(path: string): Promise<void> {
  let isSocket: boolean;
  try {
    isSocket = lstatSync(path).isSocket();
  } catch {
    return; // nothing there
  }
  if (!isSocket) throw new CavraError('socket_in_use', `${path} exists and is not a socket`);
  if (await socketAnswers(path)) {
    throw new CavraError('socket_in_use', `another server is listening on ${path}`);
  }
  unlinkSync(path);
}

/**
 * The Unix-socket protocol: one JSON request per line in, one decision line per request out, in
 * order, many on one connection. When the client half-closes, every line read is answered
 * (an unterminated last line too), then the server closes its side.
 */
export class SocketServer {
  private readonly server: Server;
  private readonly connections = new Set<Socket>();
  private closing = false;

  constructor(private readonly options: SocketServerOptions) {
    this.server = createServer({ allowHalfOpen: true }, (socket) => this.serve(socket));
  }

  async listen(): Promise<void> {
    const { path } = this.options;
    await clearStaleSocket(path);
    // Created 0600: the umask covers the moment between bind and chmod.
    const previous = process.umask(0o177);
    try {
      await new Promise<void>((resolve, reject) => {
        this.server.once('error', reject);
        this.server.listen({ path, backlog: 1024 }, () => {
          this.server.off('error', reject);
          // After listening, an accept error (EMFILE at the fd limit) must not end the process.
          this.server.on('error', () => undefined);
          resolve();
        });
      });
    } finally {
      process.umask(previous);
    }
    chmodSync(path, 0o600);
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Stops accepting; answers what every connection has sent so far, then closes them and removes the socket. */
  async close(graceMs = 5000): Promise<void> {
    this.closing = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    // Lines already read have been answered (answering is synchronous on receipt); read no more.
    for (const socket of this.connections) {
      socket.pause();
      if (!socket.writableEnded) socket.end();
    }
    const grace = setTimeout(() => {
      for (const socket of this.connections) socket.destroy();
    }, graceMs);
    await closed;
    clearTimeout(grace);
    try {
      unlinkSync(this.options.path);
    } catch {
      /* already gone (server.close() may remove it) */
    }
  }

  private serve(socket: Socket): void {
    this.connections.add(socket);
    socket.on('close', () => this.connections.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.setTimeout(this.options.idleTimeoutMs ?? 300_000, () => socket.destroy());
    if (this.closing) {
      socket.end();
      return;
    }
    const { service } = this.options;
    const stream = new BatchStream(service.answer, this.options.maxLineBytes ?? MAX_REQUEST_BYTES, service.countError);
    socket.on('data', (chunk: Buffer) => {
      if (socket.writableEnded) return; // shutting down: this connection was already finished
      const out = stream.push(chunk);
      // Backpressure: stop reading until the client has taken the answers.
      if (out && !socket.write(out)) {
        socket.pause();
        socket.once('drain', () => socket.resume());
      }
    });
    socket.on('end', () => {
      if (socket.writableEnded) return;
      const out = stream.end();
      if (out) socket.write(out);
      socket.end();
    });
  }
}
