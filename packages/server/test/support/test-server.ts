import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPolicyJsonFile } from '@cavra/policy-model/node';
import { createDecisionEngine } from '@cavra/engine';
import type { EvidenceEntry, EvidenceSink } from '@cavra/evidence';
import { createCavraServer, type CavraServer, type CavraServerOptions, type LoadedPolicy } from '@cavra/server';

export const tempDir = (): { dir: string; cleanup: () => void } => {
  const dir = mkdtempSync(join(tmpdir(), 'cavra-server-test-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
};

/** A policy loader over one compiled policy file (as `--policy FILE`): digest = SHA-256 of its bytes. */
export function compiledPolicyLoader(file: string): Pick<CavraServerOptions, 'loadPolicy' | 'digestPolicy'> {
  const digestPolicy = (): string => createHash('sha256').update(readFileSync(file)).digest('hex');
  return {
    digestPolicy,
    loadPolicy: (): LoadedPolicy => {
      const digest = digestPolicy();
      return { engine: createDecisionEngine({ compiledPolicy: loadPolicyJsonFile(file) }), digest, watchPaths: [file] };
    },
  };
}

/** A loader over the bundled packs (nothing to watch). */
export const bundledLoader: Pick<CavraServerOptions, 'loadPolicy' | 'digestPolicy'> = {
  digestPolicy: () => 'bundled',
  loadPolicy: () => ({ engine: createDecisionEngine(), digest: 'bundled', watchPaths: [] }),
};

/** Test double for the evidence log: keeps entries in memory; can be told to fail. */
export class InMemoryEvidenceSinkDouble implements EvidenceSink {
  readonly entries: EvidenceEntry[] = [];
  failing = false;
  flushed = 0;
  closed = false;
  append(entry: EvidenceEntry): string {
    if (this.failing) throw new Error('disk full (test double)');
    this.entries.push(entry);
    return `evidence-log://test/${this.entries.length}`;
  }
  flush(): Promise<void> {
    this.flushed++;
    return Promise.resolve();
  }
  close(): Promise<void> {
    this.closed = true;
    return this.flush();
  }
}

export async function startServer(options: Partial<CavraServerOptions> & Pick<CavraServerOptions, 'loadPolicy' | 'digestPolicy'>): Promise<CavraServer> {
  const server = createCavraServer({ watch: false, ...options });
  await server.start();
  return server;
}

/** Sends `input` over the Unix socket, half-closes, resolves with everything the server answered. */
export function socketExchange(path: string, input: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ path, allowHalfOpen: true });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      socket.end();
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    socket.end(input);
  });
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export function httpExchange(
  port: number,
  method: string,
  path: string,
  body?: string | Buffer,
  headers: Record<string, string> = {},
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export const writeJson = (file: string, value: unknown): void => writeFileSync(file, JSON.stringify(value));

/**
 * `POST /v1/decisions` once per body on one keep-alive connection, pipelined in groups of
 * `group` requests; resolves with each answer's body (without its newline), in order.
 */
export async function pipelinedDecisions(port: number, bodies: readonly string[], group = 256): Promise<string[]> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((done, fail) => {
    socket.once('connect', () => done());
    socket.once('error', fail);
  });
  const answers: string[] = [];
  let buffered: Buffer = Buffer.alloc(0);
  let waiting: { count: number; done: () => void } | undefined;
  socket.on('data', (chunk: Buffer) => {
    buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
    for (;;) {
      const headEnd = buffered.indexOf('\r\n\r\n');
      if (headEnd === -1) break;
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(buffered.toString('latin1', 0, headEnd))?.[1]);
      if (buffered.length < headEnd + 4 + length) break;
      answers.push(buffered.toString('utf8', headEnd + 4, headEnd + 4 + length).replace(/\n$/, ''));
      buffered = buffered.subarray(headEnd + 4 + length);
    }
    if (waiting && answers.length >= waiting.count) waiting.done();
  });
  for (let at = 0; at < bodies.length; at += group) {
    const slice = bodies.slice(at, at + group);
    const target = at + slice.length;
    await new Promise<void>((done) => {
      waiting = { count: target, done };
      socket.write(
        slice
          .map((body) => `POST /v1/decisions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`)
          .join(''),
      );
    });
  }
  socket.destroy();
  return answers;
}
