import { spawn } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCavraServer } from '@cavra/server';
import { bundledLoader, socketExchange, startServer, tempDir } from './support/test-server.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function socketPath(): string {
  const { dir, cleanup } = tempDir();
  cleanups.push(cleanup);
  return join(dir, 'cavra.sock');
}

describe('Unix socket server', () => {
  it('creates the socket 0600 and answers many lines on one connection, in order, the unterminated last one too', async () => {
    const path = socketPath();
    const server = await startServer({ ...bundledLoader, socketPath: path });
    cleanups.push(() => server.close());
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const requests = Array.from({ length: 500 }, (_, i) => JSON.stringify({ action_type: 'read_file', target: `f${i}` }));
    const answer = await socketExchange(path, `${requests.join('\n')}\nnot json\n{"action_type":"read_file","target":".env"}`);
    const lines = answer.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(502);
    lines.slice(0, 500).forEach((line, i) => expect(JSON.parse(line)).toMatchObject({ target: `f${i}`, decision: 'allow' }));
    expect(JSON.parse(lines[500] as string)).toMatchObject({ error: { code: 'invalid_json' } });
    expect(JSON.parse(lines[501] as string)).toMatchObject({ decision: 'block', target: '.env' });
  });

  it('answers a single request followed by EOF (the Go daemon clients\' pattern)', async () => {
    const path = socketPath();
    const server = await startServer({ ...bundledLoader, socketPath: path });
    cleanups.push(() => server.close());
    const answer = await socketExchange(path, '{"action_type":"execute_command","target":"rm -rf /"}');
    expect(JSON.parse(answer)).toMatchObject({ action_type: 'execute_command' });
  });

  it('removes a stale socket file left by a dead server, and removes its own on close', async () => {
    const path = socketPath();
    // A server killed with SIGKILL: its socket file stays, nobody listens on it.
    const dead = spawn(process.execPath, ['-e', `require('node:net').createServer().listen(${JSON.stringify(path)}, () => console.log('up'))`]);
    await new Promise<void>((done) => dead.stdout.once('data', () => done()));
    dead.kill('SIGKILL');
    await new Promise((done) => dead.once('exit', done));
    expect(statSync(path).isSocket()).toBe(true);
    const server = await startServer({ ...bundledLoader, socketPath: path });
    expect(JSON.parse(await socketExchange(path, '{"action_type":"read_file","target":"a"}\n'))).toMatchObject({ decision: 'allow' });
    await server.close();
    expect(() => statSync(path)).toThrow();
  });

  it('refuses to start when a live server holds the socket, or the path is not a socket', async () => {
    const path = socketPath();
    const first = await startServer({ ...bundledLoader, socketPath: path });
    cleanups.push(() => first.close());
    const second = createCavraServer({ ...bundledLoader, socketPath: path, watch: false });
    await expect(second.start()).rejects.toMatchObject({ code: 'socket_in_use' });
    const file = `${path}.file`;
    writeFileSync(file, 'x');
    const third = createCavraServer({ ...bundledLoader, socketPath: file, watch: false });
    await expect(third.start()).rejects.toMatchObject({ code: 'socket_in_use' });
  });

  it('keeps many idle connections open and still answers', async () => {
    const path = socketPath();
    const server = await startServer({ ...bundledLoader, socketPath: path });
    cleanups.push(() => server.close());
    const { connect } = await import('node:net');
    const idle = await Promise.all(
      Array.from({ length: 500 }, () => new Promise<import('node:net').Socket>((done) => {
        const socket = connect(path, () => done(socket));
      })),
    );
    cleanups.push(() => idle.forEach((socket) => socket.destroy()));
    expect(JSON.parse(await socketExchange(path, '{"action_type":"read_file","target":"a"}\n'))).toMatchObject({ decision: 'allow' });
  });
});
