import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { main } from '../../src/main.js';
import { runCli } from '../support/run-cli.js';

// Real processes and real signals: `cavra-runtime serve` from its sources.
const BIN_SOURCE = fileURLToPath(new URL('../../src/bin.ts', import.meta.url));
const COMPILED = fileURLToPath(new URL('../../../../fixtures/oracle/compiled/', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'cavra-serve-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

interface Served {
  child: ChildProcess;
  ready: { pid: number; socket: string | null; http: string | null; policy_digest: string };
  stderr: () => string;
  exited: Promise<number | null>;
}

let counter = 0;
const freshSocket = (): string => join(work, `s${counter++}.sock`);

async function serve(args: string[]): Promise<Served> {
  const child = spawn(process.execPath, ['--import', 'tsx', BIN_SOURCE, 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const ready = await new Promise<Served['ready']>((done, fail) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      if (stdout.includes('\n')) done(JSON.parse(stdout.split('\n')[0] as string) as Served['ready']);
    });
    void exited.then((code) => fail(new Error(`serve exited ${String(code)}: ${stderr}`)));
  });
  return { child, ready, stderr: () => stderr, exited };
}

function exchange(path: string, input: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ path, allowHalfOpen: true });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.end(input);
  });
}

function get(address: string, path: string): Promise<{ status: number; body: string }> {
  const [host, port] = address.split(':') as [string, string];
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host, port: Number(port), path, agent: false }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const envRead = `${JSON.stringify({ action_type: 'read_file', target: '.env' })}\n`;

describe('cavra-runtime serve (real process)', () => {
  it('reloads on SIGHUP: a bad policy is refused and the last good one keeps serving; SIGTERM exits 0 and removes the socket', { timeout: 60_000 }, async () => {
    const policy = join(work, 'hup-policy.json');
    copyFileSync(`${COMPILED}cavra-ai-agent-baseline.json`, policy);
    const socket = freshSocket();
    const served = await serve(['--socket', socket, '--listen', '127.0.0.1:0', '--policy', policy, '--no-watch']);
    expect(statSync(socket).mode & 0o777).toBe(0o600);
    const http = served.ready.http as string;
    writeFileSync(policy, '{"metadata": ');
    served.child.kill('SIGHUP');
    await expect.poll(async () => JSON.parse((await get(http, '/readyz')).body) as unknown, { timeout: 10_000 }).toMatchObject({
      last_reload_error: { code: 'policy_invalid' },
      policy_digest: served.ready.policy_digest,
    });
    expect(JSON.parse(await exchange(socket, envRead))).toMatchObject({ policy_id: 'cavra-ai-agent-baseline', decision: 'block' });
    copyFileSync(`${COMPILED}cavra-banking-baseline.json`, policy);
    served.child.kill('SIGHUP');
    await expect.poll(async () => (JSON.parse((await get(http, '/readyz')).body) as { last_reload_error: unknown }).last_reload_error, { timeout: 10_000 }).toBeNull();
    expect(JSON.parse(await exchange(socket, envRead))).toMatchObject({ policy_id: 'cavra-banking-baseline' });
    expect((await get(http, '/metrics')).body).toContain('cavra_policy_reloads_total{result="failed"} 1');
    served.child.kill('SIGTERM');
    expect(await served.exited).toBe(0);
    expect(existsSync(socket)).toBe(false);
  });

  it('on SIGTERM under load answers every request it read, half-answers none, and exits 0', { timeout: 60_000 }, async () => {
    const socket = freshSocket();
    const served = await serve(['--socket', socket, '--no-watch']);
    const batch = envRead.repeat(200);
    let stop = false;
    const outputs: string[] = [];
    const client = async (): Promise<void> => {
      while (!stop) {
        const out = await exchange(socket, batch);
        outputs.push(out);
        if (out === '') break; // refused: the server no longer accepts
      }
    };
    const clients = Array.from({ length: 8 }, () => client());
    await new Promise((done) => setTimeout(done, 500));
    served.child.kill('SIGTERM');
    expect(await served.exited).toBe(0);
    stop = true;
    await Promise.all(clients);
    expect(outputs.length).toBeGreaterThan(8);
    let answered = 0;
    for (const out of outputs) {
      if (out === '') continue;
      expect(out.endsWith('\n')).toBe(true); // never a half line
      for (const line of out.trimEnd().split('\n')) {
        expect(JSON.parse(line)).toMatchObject({ decision: 'block' });
        answered++;
      }
    }
    expect(answered).toBeGreaterThan(0);
    expect(existsSync(socket)).toBe(false);
  });

  it('after kill -9 the stale socket file is handled and a new server starts on the same path', { timeout: 60_000 }, async () => {
    const socket = freshSocket();
    const first = await serve(['--socket', socket, '--no-watch']);
    first.child.kill('SIGKILL');
    await first.exited;
    expect(existsSync(socket)).toBe(true);
    const second = await serve(['--socket', socket, '--no-watch']);
    expect(JSON.parse(await exchange(socket, envRead))).toMatchObject({ decision: 'block' });
    // A live server holds the path: a third one refuses to start.
    const third = await runCli(['serve', '--socket', socket]);
    expect(third.code).toBe(2);
    expect(JSON.parse(third.stderr)).toMatchObject({ error: { code: 'socket_in_use' } });
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });

  it('--daemon sends the request to the server (same output); without a server it decides in-process unless --require-daemon', { timeout: 60_000 }, async () => {
    const socket = freshSocket();
    const deterministic = (text: string): unknown => {
      const { decision_id: _a, timestamp: _b, correlation_id: _c, evidence_refs: _d, ...rest } = JSON.parse(text) as Record<string, unknown>;
      return rest;
    };
    const local = await runCli([], envRead);
    const fallback = await runCli(['--daemon', '--socket', socket], envRead);
    expect(fallback.code).toBe(0);
    expect(deterministic(fallback.stdout)).toEqual(deterministic(local.stdout));
    const required = await runCli(['--require-daemon', '--socket', socket], envRead);
    expect(required.code).toBe(2);
    expect(JSON.parse(required.stderr)).toMatchObject({ error: { code: 'daemon_unavailable' } });

    const served = await serve(['--socket', socket, '--no-watch']);
    const single = await runCli(['--daemon', '--socket', socket], envRead);
    expect(single.code).toBe(0);
    expect(single.stdout).toMatch(/^\{\n {2}"decision_id"/); // 2-space JSON, as in-process
    expect(deterministic(single.stdout)).toEqual(deterministic(local.stdout));
    const lines = `${envRead}not json\n{"action_type":"read_file","target":"a"}`;
    const batch = await runCli(['--daemon', '--batch', '--socket', socket], lines);
    const localBatch = await runCli(['--batch'], lines);
    expect(batch.code).toBe(0);
    const rows = (text: string): unknown[] => text.trimEnd().split('\n').map((line) => (line.startsWith('{"error"') ? (JSON.parse(line) as unknown) : deterministic(line)));
    expect(rows(batch.stdout)).toEqual(rows(localBatch.stdout));
    const bad = await runCli(['--daemon', '--socket', socket], '{"target": 5}');
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stderr)).toMatchObject({ error: { code: 'invalid_request' } });
    served.child.kill('SIGTERM');
    expect(await served.exited).toBe(0);
  });

  it('daemon start|status|stop with a PID file and a readiness wait (and the Go spelling --lifecycle)', { timeout: 60_000 }, async () => {
    const socket = freshSocket();
    const pid = join(work, 'daemon.pid');
    const stopped = await runCli(['daemon', 'status', '--socket', socket, '--pid', pid]);
    expect(stopped.code).toBe(3);
    expect(JSON.parse(stopped.stdout)).toMatchObject({ status: 'stopped' });
    const started = await runCli(['daemon', 'start', '--socket', socket, '--pid', pid, '--no-watch']);
    expect(started.stderr).toBe('');
    expect(started.code).toBe(0);
    const { pid: serverPid } = JSON.parse(started.stdout) as { pid: number };
    try {
      expect(JSON.parse(await exchange(socket, envRead))).toMatchObject({ decision: 'block' });
      const status = await runCli(['--lifecycle', 'status', '--socket', socket, '--pid', pid]);
      expect(status.code).toBe(0);
      expect(JSON.parse(status.stdout)).toEqual({ status: 'running', pid: serverPid, socket });
      const stop = await runCli(['daemon', 'stop', '--socket', socket, '--pid', pid]);
      expect(stop.code).toBe(0);
      expect(existsSync(pid)).toBe(false);
      expect(existsSync(socket)).toBe(false);
    } finally {
      try {
        process.kill(serverPid, 'SIGKILL');
      } catch {
        /* already stopped */
      }
    }
  });

});

describe('cavra-runtime serve options (in-process)', () => {
  const run = async (argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
    let stderr = '';
    let stdout = '';
    const code = await main(argv, {
      stdin: Readable.from([]),
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      env: {},
      cwd: work,
    });
    return { code, stdout, stderr };
  };

  it('refuses a non-loopback --listen without --allow-remote and --token-file', async () => {
    for (const argv of [
      ['serve', '--listen', '0.0.0.0:0'],
      ['serve', '--listen', '0.0.0.0:0', '--allow-remote'],
      ['serve', '--listen', '[::]:0', '--token-file', 'x'],
    ]) {
      const result = await run(argv);
      expect(result.code).toBe(2);
      expect(JSON.parse(result.stderr)).toMatchObject({ error: { code: 'usage' } });
    }
    writeFileSync(join(work, 'short-token'), 'short\n');
    const short = await run(['serve', '--listen', '127.0.0.1:0', '--token-file', 'short-token']);
    expect(JSON.parse(short.stderr)).toMatchObject({ error: { code: 'usage', message: 'token file short-token must hold a token of at least 16 characters' } });
  });

  it('needs --socket or --listen and refuses a malformed address', async () => {
    expect(JSON.parse((await run(['serve'])).stderr)).toMatchObject({ error: { code: 'usage' } });
    expect(JSON.parse((await run(['--serve', '--listen', 'nope'])).stderr)).toMatchObject({ error: { code: 'usage' } });
  });

  it('records every decision in the hash-chained evidence log, adds its reference, and the log verifies after SIGTERM', { timeout: 60_000 }, async () => {
    const log = join(work, `serve-evidence-${counter++}.jsonl`);
    const served = await serve(['--socket', freshSocket(), '--evidence-log', log, '--no-watch']);
    const answers = (await exchange(served.ready.socket as string, envRead + envRead)).trim().split('\n');
    expect(answers).toHaveLength(2);
    for (const [index, line] of answers.entries()) {
      const decision = JSON.parse(line) as { decision: string; evidence_refs: string[] };
      expect(decision.decision).toBe('block');
      expect(decision.evidence_refs[1]).toMatch(new RegExp(`^evidence-log:${index + 1}:[0-9a-f]{64}$`));
    }
    served.child.kill('SIGTERM');
    expect(await served.exited).toBe(0);
    const verified = await run(['evidence', 'verify-log', log]);
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, records: 2 });
  });

  it('--socket without --daemon is a usage error; daemon needs an action', async () => {
    expect(JSON.parse((await run(['--socket', 'x'])).stderr)).toMatchObject({ error: { code: 'usage', message: '--socket needs --daemon' } });
    expect(JSON.parse((await run(['daemon', 'restart'])).stderr)).toMatchObject({ error: { code: 'usage' } });
  });
});
