import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TEST_WORKER_CRASH_AFTER_ENV } from '@cavra/engine/node';
import { readCorpus } from '@cavra/test-fixtures';
import { AUTO_POOL_BYTES } from '../src/batch-workers.js';

// The real, built command (`pnpm --filter @cavra/cli... build` first): bin.cjs and dist/batch-worker.cjs.
const BIN = fileURLToPath(new URL('../dist/bin.cjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'cavra-workers-process-'));
const env: Record<string, string | undefined> = { ...process.env, CAVRA_RUNTIME_CACHE_DIR: join(dir, 'cache') };
delete env[TEST_WORKER_CRASH_AFTER_ENV];

const requests = readCorpus()
  .filter((c) => !c.policy_file && !c.registry)
  .map((c) => JSON.stringify(c.request));
/** Corpus requests with a bad line, a blank line and invalid UTF-8 among them, `count` lines. */
function batchFile(name: string, count: number): string {
  const lines: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const line = i % 97 === 5 ? 'not json' : i % 101 === 7 ? '' : i % 103 === 9 ? '\u00ff' : (requests[i % requests.length] as string);
    lines.push(i % 103 === 9 ? Buffer.from([0x7b, 0xff, 0x7d, 0x0a]) : Buffer.from(`${line}\n`));
  }
  const path = join(dir, name);
  writeFileSync(path, Buffer.concat(lines));
  return path;
}

function run(args: readonly string[], extraEnv: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    env: { ...env, ...extraEnv },
    encoding: 'utf8',
    timeout: 30_000,
    maxBuffer: 256 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  expect(result.error).toBeUndefined();
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Stdin in two parts, the second 1.5 s after the first: by then the worker has long been ready
 * (the main thread decides the first blocks while it starts), so blocks of the second part reach it.
 */
async function runInTwoParts(args: readonly string[], input: Buffer, extraEnv: Record<string, string> = {}): Promise<{ status: number | null; stdout: string }> {
  const half = input.indexOf(0x0a, input.length >> 1) + 1;
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...env, ...extraEnv }, stdio: ['pipe', 'pipe', 'ignore'] });
  const stdout: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stdin.write(input.subarray(0, half));
  await new Promise((resolve) => setTimeout(resolve, 1500));
  child.stdin.end(input.subarray(half));
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { status, stdout: Buffer.concat(stdout).toString('utf8') };
}

const stripped = (text: string): string =>
  text.replace(/"(decision_id|correlation_id|timestamp)":"[^"]*"/g, '"$1":"-"').replace(/"evidence_refs":\["[^"]*"\]/g, '"evidence_refs":["-"]');

describe('cavra-runtime --batch --workers, as a process', { timeout: 60_000 }, () => {
  const file = batchFile('mixed.jsonl', 5_000);

  it('has been built, with its worker entry', () => {
    expect(existsSync(BIN)).toBe(true);
    expect(existsSync(fileURLToPath(new URL('../dist/batch-worker.cjs', import.meta.url)))).toBe(true);
  });

  it('--workers 2 and 3 answer every line exactly as --workers 1 does, in order', async () => {
    const one = run(['--batch', '--workers', '1', '--input', file]);
    expect(one.status).toBe(0);
    expect(one.stdout.split('\n')).toHaveLength(5_001);
    const two = run(['--batch', '--workers', '2', '--input', file]);
    expect(two.status).toBe(0);
    expect(two.stderr).toBe('');
    expect(stripped(two.stdout)).toBe(stripped(one.stdout));
    // With the second half answered by ready workers too.
    const three = await runInTwoParts(['--batch', '--workers', '3'], readFileSync(file));
    expect(three.status).toBe(0);
    expect(stripped(three.stdout)).toBe(stripped(one.stdout));
  });

  it('auto: a small file stays in one thread; a large regular file is decided with a worker, same answers', () => {
    // Seen through the crash double: a worker that stops at its first block.
    const crashAtOnce = { [TEST_WORKER_CRASH_AFTER_ENV]: '0' };
    const small = run(['--batch', '--workers', 'auto', '--input', file], crashAtOnce);
    expect(small.status).toBe(0);
    expect(small.stdout).not.toContain('"internal"');
    const large = batchFile('large.jsonl', Math.ceil(AUTO_POOL_BYTES / 80));
    expect(statSync(large).size).toBeGreaterThanOrEqual(AUTO_POOL_BYTES);
    const one = run(['--batch', '--workers', '1', '--input', large]);
    const auto = run(['--batch', '--input', large]);
    expect(auto.status).toBe(0);
    expect(stripped(auto.stdout)).toBe(stripped(one.stdout));
    const crashLarge = run(['--batch', '--workers', 'auto', '--input', large], crashAtOnce);
    expect(crashLarge.status).toBe(1);
    expect(crashLarge.stdout.split('\n')).toHaveLength(one.stdout.split('\n').length);
  });

  it('--workers 2 answers each line while the input is still open (no waiting for a full block)', async () => {
    const child = spawn(process.execPath, [BIN, '--batch', '--workers', '2'], { env, stdio: ['pipe', 'pipe', 'ignore'] });
    let answered = 0;
    child.stdout.on('data', (chunk: Buffer) => (answered += chunk.toString('utf8').split('\n').length - 1));
    child.stdin.write('{"action_type":"read_file","target":".env"}\n');
    await expect.poll(() => answered, { timeout: 10_000 }).toBe(1);
    // By now the worker is likely ready: this line may be its first block.
    await new Promise((resolve) => setTimeout(resolve, 300));
    child.stdin.write('{"action_type":"read_file","target":"a"}\n');
    await expect.poll(() => answered, { timeout: 10_000 }).toBe(2);
    child.stdin.end();
    expect(await new Promise<number | null>((resolve) => child.on('close', resolve))).toBe(0);
  });

  it('--workers bogus is a usage error: exit 2, one JSON line on stderr, nothing decided', () => {
    const result = run(['--batch', '--workers', 'bogus', '--input', file]);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(result.stderr)).toEqual({
      error: { code: 'usage', message: '--workers must be auto or a whole number from 0 to 64, got "bogus"' },
    });
  });

  it('a worker that crashes loses no line: its lines are "internal" errors in place, exit 1', async () => {
    const input = readFileSync(file);
    const one = stripped(run(['--batch', '--workers', '1', '--input', file]).stdout).split('\n');
    // The second half arrives once the worker has long been ready (the main thread decides while it
    // starts), so blocks reach it; the double makes it stop at its first block.
    const crashed = await runInTwoParts(['--batch', '--workers', '2'], input, { [TEST_WORKER_CRASH_AFTER_ENV]: '0' });
    expect(crashed.status).toBe(1);
    const out = stripped(crashed.stdout).split('\n');
    expect(out).toHaveLength(one.length);
    const differing = out.filter((line, i) => line !== one[i]);
    expect(differing.length).toBeGreaterThan(0);
    for (const line of differing) expect(JSON.parse(line)).toMatchObject({ error: { code: 'internal' } });
  });
});
