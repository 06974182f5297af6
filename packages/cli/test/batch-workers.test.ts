import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CavraError } from '@cavra/policy-model';
import {
  AUTO_POOL_AFTER,
  AUTO_MAX_WORKERS,
  AUTO_POOL_BYTES,
  MAX_BATCH_WORKERS,
  autoWorkerCount,
  batchPooling,
  batchWorkerScript,
  checkWorkersCombination,
  parseWorkersFlag,
} from '../src/batch-workers.js';
import { runMain } from './support/memory-io.js';

const dir = mkdtempSync(join(tmpdir(), 'cavra-workers-'));
const big = join(dir, 'big.jsonl');
const small = join(dir, 'small.jsonl');
writeFileSync(big, Buffer.alloc(AUTO_POOL_BYTES, 0x0a));
writeFileSync(small, '\n');
// Any existing file stands for the worker entry where only its presence matters.
const presentScript = fileURLToPath(import.meta.url);
const base = { spec: {}, evidenceLog: false, daemon: false, cores: 2, script: presentScript } as const;

const usage = (message: RegExp): unknown => expect.objectContaining({ code: 'usage', message: expect.stringMatching(message) as unknown });

describe('--workers', () => {
  it('parses auto (also when absent) and whole numbers from 0 to the maximum', () => {
    expect(parseWorkersFlag(undefined)).toEqual({ kind: 'auto' });
    expect(parseWorkersFlag('auto')).toEqual({ kind: 'auto' });
    expect(parseWorkersFlag('0')).toEqual({ kind: 'fixed', workers: 0 });
    expect(parseWorkersFlag('2')).toEqual({ kind: 'fixed', workers: 2 });
    expect(parseWorkersFlag(String(MAX_BATCH_WORKERS))).toEqual({ kind: 'fixed', workers: MAX_BATCH_WORKERS });
  });

  it.each(['bogus', '-1', '1.5', '2e1', ' 2', '0x2', String(MAX_BATCH_WORKERS + 1), 'AUTO', '1000'])('refuses %j as a usage error', (value) => {
    expect(() => parseWorkersFlag(value)).toThrow(usage(/^--workers must be auto or a whole number/));
  });

  it('auto starts at most one worker (what was measured to pay on 2 cores), none on one core', () => {
    expect(AUTO_MAX_WORKERS).toBe(1);
    expect([1, 2, 16].map((cores) => autoWorkerCount(cores))).toEqual([0, 1, 1]);
    expect(batchPooling({ ...base, flag: { kind: 'auto' }, inputPath: big, cores: 1 })).toBeUndefined();
  });

  it('is the single-thread path for 0 and 1; N >= 2 decides on N threads (N - 1 workers) from the first line', () => {
    expect(batchPooling({ ...base, flag: { kind: 'fixed', workers: 0 }, inputPath: big })).toBeUndefined();
    expect(batchPooling({ ...base, flag: { kind: 'fixed', workers: 1 }, inputPath: big })).toBeUndefined();
    expect(batchPooling({ ...base, flag: { kind: 'fixed', workers: 3 }, inputPath: small })).toEqual({
      workers: 2,
      spec: {},
      script: presentScript,
      startAfter: { lines: 0, bytes: 0 },
    });
  });

  it('auto, where it starts workers: from the first line for a large regular file; after the input has proven large otherwise', () => {
    const auto = { ...base, flag: { kind: 'auto' }, autoWorkers: 1 } as const;
    expect(batchPooling({ ...auto, inputPath: big })?.startAfter).toEqual({ lines: 0, bytes: 0 });
    expect(batchPooling({ ...auto, inputPath: small })?.startAfter).toEqual(AUTO_POOL_AFTER);
    expect(batchPooling({ ...auto, inputPath: undefined })?.startAfter).toEqual(AUTO_POOL_AFTER);
    expect(batchPooling({ ...auto, inputPath: join(dir, 'missing') })?.startAfter).toEqual(AUTO_POOL_AFTER);
    expect(batchPooling({ ...auto, inputPath: big, autoWorkers: 0 })).toBeUndefined();
    // From sources, with no built worker entry beside them, auto stays in one thread.
    expect(batchPooling({ ...auto, inputPath: big, script: join(dir, 'batch-worker.cjs') })).toBeUndefined();
  });

  it('never uses workers with an evidence log or the daemon; N >= 2 with them is a usage error', () => {
    for (const other of [{ evidenceLog: true }, { daemon: true }]) {
      expect(batchPooling({ ...base, ...other, flag: { kind: 'auto' }, inputPath: big, autoWorkers: 1 })).toBeUndefined();
      expect(batchPooling({ ...base, ...other, flag: { kind: 'fixed', workers: 1 }, inputPath: big })).toBeUndefined();
      expect(() => checkWorkersCombination({ kind: 'fixed', workers: 2 }, { evidenceLog: false, daemon: false, ...other })).toThrow(
        usage(/cannot be used with --(evidence-log|daemon)/),
      );
    }
  });

  it('refuses N >= 2 before reading a line when the worker entry is missing (internal, not a line of errors)', () => {
    const missing = join(dir, 'batch-worker.cjs');
    expect(() => batchPooling({ ...base, flag: { kind: 'fixed', workers: 2 }, inputPath: small, script: missing })).toThrow(CavraError);
    expect(() => batchPooling({ ...base, flag: { kind: 'fixed', workers: 2 }, inputPath: small, script: missing })).toThrow(/batch worker entry .* is missing/);
    expect(batchWorkerScript()).toMatch(/batch-worker\.cjs$/);
  });
});

describe('cavra-runtime --workers (in-process)', () => {
  const input = ['{"action_type":"read_file","target":".env"}', 'nope', '', '{"action_type":"read_file","target":"a"}'].join('\n');
  const stripped = (text: string): string =>
    text.replace(/"(decision_id|correlation_id|timestamp)":"[^"]*"/g, '"$1":"-"').replace(/"evidence_refs":\["[^"]*"\]/g, '"evidence_refs":["-"]');

  it.each([
    [['--batch', '--workers', 'bogus'], /--workers must be auto or a whole number/],
    [['--batch', '--workers='], /--workers needs a non-empty value/],
    [['--workers', '2'], /--workers needs --batch/],
    [['--batch', '--workers', '2', '--evidence-log', join(dir, 'log.jsonl')], /cannot be used with --evidence-log/],
    [['--batch', '--daemon', '--workers', '2'], /cannot be used with --daemon/],
  ])('%j is a usage error: exit 2, one JSON error line on stderr, nothing decided', async (argv, message) => {
    const run = await runMain(argv, input);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(run.stderr)).toEqual({ error: { code: 'usage', message: expect.stringMatching(message) as unknown } });
  });

  it('answers the same with --workers 0, 1 and auto (a small batch stays in one thread) as without the flag', async () => {
    const plain = await runMain(['--batch'], input);
    expect(plain.code).toBe(0);
    expect(plain.stdout.split('\n')).toHaveLength(5);
    for (const workers of ['0', '1', 'auto']) {
      const run = await runMain(['--batch', '--workers', workers], input);
      expect(run.code).toBe(0);
      expect(stripped(run.stdout)).toBe(stripped(plain.stdout));
    }
  });
});
