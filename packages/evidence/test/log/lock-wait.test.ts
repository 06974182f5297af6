import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CavraError } from '@cavra/policy-model';
import { lockPathOf, openEvidenceLog, verifyEvidenceLogFile } from '../../src/index.js';

const CHILD = fileURLToPath(new URL('./support/append-cycles.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'cavra-lock-wait-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the child writer; resolves with its exit code and stderr. */
function appendCycles(path: string, label: string, count: number, waitMs: number): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, path, label, String(count), String(waitMs)], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

const targets = (path: string): string[] =>
  readFileSync(path, 'utf8')
    .trimEnd()
    .split('\n')
    .map((line) => (JSON.parse(line) as { request: { target: string } }).request.target);

const codeOf = (run: () => unknown): string | undefined => {
  try {
    run();
  } catch (error) {
    return error instanceof CavraError ? error.code : String(error);
  }
  return undefined;
};

describe('lockWaitMs (real processes)', () => {
  it('two processes opening, appending and closing side by side: every record present, chain intact', async () => {
    const path = join(dir, 'both.jsonl');
    const count = 40;
    const results = await Promise.all([appendCycles(path, 'a', count, 5000), appendCycles(path, 'b', count, 5000)]);
    expect(results).toEqual([{ code: 0, stderr: '' }, { code: 0, stderr: '' }]);
    const written = targets(path);
    const expected = ['a', 'b'].flatMap((label) => Array.from({ length: count }, (_, i) => `${label}-${i}`));
    expect([...written].sort()).toEqual([...expected].sort());
    // Each writer's own records stay in its order.
    expect(written.filter((t) => t.startsWith('a-'))).toEqual(expected.slice(0, count));
    const report = verifyEvidenceLogFile(path);
    expect(report).toMatchObject({ ok: true, records: 2 * count, first_sequence: 1, last_sequence: 2 * count });
    expect(existsSync(lockPathOf(path))).toBe(false);
  });

  it('without a wait a second process fails with evidence_log_locked; with one it waits for the holder', async () => {
    const path = join(dir, 'held.jsonl');
    const held = openEvidenceLog(path);
    expect(await appendCycles(path, 'nowait', 1, 0)).toEqual({ code: 3, stderr: 'evidence_log_locked' });
    const waiting = appendCycles(path, 'waited', 1, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    held.append({ request: { action_type: 'read_file', target: 'holder' }, decision: { decision: 'allow' } });
    await held.close();
    expect(await waiting).toEqual({ code: 0, stderr: '' });
    expect(targets(path)).toEqual(['holder', 'waited-0']);
    expect(verifyEvidenceLogFile(path)).toMatchObject({ ok: true, records: 2 });
  });
});

describe('stale lock takeover with waiting writers (real processes)', () => {
  it('two writers finding the same dead owner\'s lock: one takes it over, neither removes the other\'s lock', async () => {
    const path = join(dir, 'stale.jsonl');
    writeFileSync(lockPathOf(path), '4194999\n');
    const count = 20;
    const results = await Promise.all([appendCycles(path, 'a', count, 5000), appendCycles(path, 'b', count, 5000)]);
    expect(results).toEqual([{ code: 0, stderr: '' }, { code: 0, stderr: '' }]);
    expect(verifyEvidenceLogFile(path)).toMatchObject({ ok: true, records: 2 * count });
    expect(existsSync(lockPathOf(path))).toBe(false);
    expect(existsSync(`${lockPathOf(path)}.takeover`)).toBe(false);
  });
});

describe('lockWaitMs (in process)', () => {
  it('clears a takeover guard left by a dead process, then takes the stale lock over', async () => {
    const path = join(dir, 'stale-guard.jsonl');
    writeFileSync(lockPathOf(path), '4194999\n');
    writeFileSync(`${lockPathOf(path)}.takeover`, '4194998\n');
    // Without a wait the first try meets the guard and reports the log as locked …
    expect(codeOf(() => openEvidenceLog(path))).toBe('evidence_log_locked');
    // … with one, the dead guard is gone and the next try takes the stale lock over.
    writeFileSync(`${lockPathOf(path)}.takeover`, '4194998\n');
    const log = openEvidenceLog(path, { lockWaitMs: 2000 });
    await log.close();
    expect(existsSync(lockPathOf(path))).toBe(false);
    expect(existsSync(`${lockPathOf(path)}.takeover`)).toBe(false);
  });


  it('gives up after the wait with evidence_log_locked, and takes a stale lock over at once', async () => {
    const path = join(dir, 'in-process.jsonl');
    // A live process that is not this log's writer (our parent) holds the lock.
    writeFileSync(lockPathOf(path), `${process.ppid}\n`);
    const start = performance.now();
    expect(codeOf(() => openEvidenceLog(path, { lockWaitMs: 60 }))).toBe('evidence_log_locked');
    expect(performance.now() - start).toBeGreaterThanOrEqual(55);
    // A dead owner's lock is stale: taken over without waiting out the wait.
    writeFileSync(lockPathOf(path), '4194999\n');
    const log = openEvidenceLog(path, { lockWaitMs: 60_000 });
    await log.close();
    expect(existsSync(lockPathOf(path))).toBe(false);
  });

  it('refuses a negative or non-numeric wait', () => {
    const path = join(dir, 'bad-wait.jsonl');
    expect(codeOf(() => openEvidenceLog(path, { lockWaitMs: -1 }))).toBe('usage');
    expect(codeOf(() => openEvidenceLog(path, { lockWaitMs: Number.NaN }))).toBe('usage');
    expect(existsSync(lockPathOf(path))).toBe(false);
  });
});
