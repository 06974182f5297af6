import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
  appendFileSync,
  mkdirSync,
  truncateSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CavraError } from '@cavra/policy-model';
import {
  GENESIS_HASH,
  MAX_RECORD_LINE_BYTES,
  generateSigningKeyPair,
  lockPathOf,
  openEvidenceLog,
  recordDecision,
  verifyEvidenceLogFile,
  type EvidenceLogOptions,
} from '../../src/index.js';

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cavra-evidence-log-'));
  path = join(dir, 'evidence.jsonl');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A fixed clock that ticks one microsecond per reading (test double). */
const fakeClock = (): (() => number) => {
  let now = 1_767_225_600_000_000;
  return () => now++;
};
const entry = (n: number) => ({
  request: { action_type: 'read_file', target: `f${n}` },
  decision: { decision: 'allow', n },
});

const writeLog = async (count: number, options: EvidenceLogOptions = {}): Promise<string[]> => {
  const log = openEvidenceLog(path, { clock: fakeClock(), ...options });
  const refs = Array.from({ length: count }, (_, i) => log.append(entry(i)));
  await log.close();
  return refs;
};

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    return error instanceof CavraError ? error.code : `not a CavraError: ${String(error)}`;
  }
  return undefined;
};

describe('openEvidenceLog', () => {
  it('writes one canonical line per decision, chained from the genesis hash, and returns references', async () => {
    const refs = await writeLog(3);
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('');
    const records = lines.slice(0, 3).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.map((r) => r.sequence)).toEqual([1, 2, 3]);
    expect(records[0]?.previous_hash).toBe(GENESIS_HASH);
    expect(records[1]?.previous_hash).toBe(records[0]?.record_hash);
    expect(records[2]?.previous_hash).toBe(records[1]?.record_hash);
    expect(records[0]?.time).toBe('2026-01-01T00:00:00+00:00');
    expect(records[1]?.request).toEqual(entry(1).request);
    expect(refs).toEqual(
      records.map((r) => `evidence-log:${r.sequence as number}:${r.record_hash as string}`),
    );
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(existsSync(lockPathOf(path))).toBe(false);
    expect(verifyEvidenceLogFile(path)).toMatchObject({
      ok: true,
      records: 3,
      first_sequence: 1,
      last_sequence: 3,
    });
  });

  it('resumes the sequence and the chain after a restart', async () => {
    await writeLog(2);
    const log = openEvidenceLog(path, { clock: fakeClock() });
    expect(log.nextSequence).toBe(3);
    const second = JSON.parse(readFileSync(path, 'utf8').split('\n')[1] as string) as { record_hash: string };
    expect(log.headHash).toBe(second.record_hash);
    expect(log.append(entry(9))).toMatch(/^evidence-log:3:[0-9a-f]{64}$/);
    await log.close();
    const report = verifyEvidenceLogFile(path);
    expect(report).toMatchObject({ ok: true, records: 3, last_sequence: 3 });
    expect(report.head_hash).toBe(log.headHash);
  });

  it('writes the same log whatever the fsync policy', async () => {
    const contents = [];
    for (const fsync of ['always', 'interval', 'never'] as const) {
      rmSync(path, { force: true });
      await writeLog(5, { fsync, fsyncIntervalMs: 1 });
      contents.push(readFileSync(path, 'utf8'));
    }
    expect(new Set(contents).size).toBe(1);
    expect(codeOf(() => openEvidenceLog(path, { fsync: 'sometimes' as never }))).toBe('usage');
  });

  it('adds the reference after the envelope reference (recordDecision)', async () => {
    const log = openEvidenceLog(path, { clock: fakeClock() });
    const decision = { decision: 'allow', evidence_refs: ['evidence://s/d'] as [string], reason: 'x' };
    const recorded = recordDecision(log, { action_type: 'read_file' }, decision);
    await log.close();
    expect(Object.keys(recorded)).toEqual(['decision', 'evidence_refs', 'reason']);
    expect(recorded.evidence_refs).toEqual(['evidence://s/d', expect.stringMatching(/^evidence-log:1:/)]);
    // The record holds the decision as answered, before its own reference was added.
    const record = JSON.parse(readFileSync(path, 'utf8')) as { decision: unknown };
    expect(record.decision).toEqual(decision);
  });

  it('refuses appends after close and entries that JSON cannot hold, without breaking the log', async () => {
    const log = openEvidenceLog(path, { clock: fakeClock() });
    expect(codeOf(() => log.append({ request: { n: 1n }, decision: {} }))).toBe('evidence_unwritable');
    log.append(entry(1));
    await log.close();
    expect(codeOf(() => log.append(entry(2)))).toBe('evidence_unwritable');
    await expect(log.flush()).rejects.toMatchObject({ code: 'evidence_unwritable' });
    expect(verifyEvidenceLogFile(path)).toMatchObject({ ok: true, records: 1 });
  });

  it('refuses a path that is not a regular file', () => {
    mkdirSync(join(dir, 'sub'));
    expect(codeOf(() => openEvidenceLog(join(dir, 'sub')))).toBe('evidence_unwritable');
    expect(codeOf(() => openEvidenceLog(join(dir, 'missing-dir', 'log')))).toBe('evidence_unwritable');
    expect(existsSync(lockPathOf(join(dir, 'sub')))).toBe(false);
  });
});

describe('torn and corrupt tails', () => {
  it('refuses to extend a log whose last line has no newline (evidence_log_torn), and leaves it as it was', async () => {
    await writeLog(2);
    appendFileSync(path, '{"decision":{"deci');
    const before = readFileSync(path);
    expect(codeOf(() => openEvidenceLog(path))).toBe('evidence_log_torn');
    expect(readFileSync(path)).toEqual(before);
    expect(existsSync(lockPathOf(path))).toBe(false);
  });

  it('with recoverTornTail, moves the torn bytes into <log>.torn-<n> and records log_recovered', async () => {
    await writeLog(2);
    const good = readFileSync(path);
    appendFileSync(path, 'torn!');
    writeFileSync(`${path}.torn-1`, 'an earlier recovery');
    const log = openEvidenceLog(path, { recoverTornTail: true, clock: fakeClock() });
    expect(log.recovered).toEqual({
      torn_file: 'evidence.jsonl.torn-2',
      torn_bytes: 5,
      torn_sha256: createHash('sha256').update('torn!').digest('hex'),
    });
    expect(readFileSync(`${path}.torn-2`, 'utf8')).toBe('torn!');
    expect(log.nextSequence).toBe(4);
    log.append(entry(3));
    await log.close();
    const text = readFileSync(path);
    expect(text.subarray(0, good.length)).toEqual(good);
    const lines = text.toString('utf8').trimEnd().split('\n');
    expect(JSON.parse(lines[2] as string)).toMatchObject({
      kind: 'log_recovered',
      sequence: 3,
      recovered: { torn_file: 'evidence.jsonl.torn-2' },
    });
    expect(verifyEvidenceLogFile(path)).toMatchObject({ ok: true, records: 4, last_sequence: 4 });
  });

  it('recovers a log that is nothing but a torn first line', async () => {
    writeFileSync(path, '{"deci');
    const log = openEvidenceLog(path, { recoverTornTail: true, clock: fakeClock() });
    expect(log.nextSequence).toBe(2);
    await log.close();
    expect(verifyEvidenceLogFile(path)).toMatchObject({ ok: true, records: 1 });
  });

  it('refuses a complete last line that is not an intact record (evidence_log_corrupt), even with recoverTornTail', async () => {
    await writeLog(2);
    const text = readFileSync(path, 'utf8');
    writeFileSync(path, text.replace('"f1"', '"f9"'));
    expect(codeOf(() => openEvidenceLog(path, { recoverTornTail: true }))).toBe('evidence_log_corrupt');
    writeFileSync(path, `${text}\n`);
    expect(codeOf(() => openEvidenceLog(path))).toBe('evidence_log_corrupt');
    truncateSync(path, 0);
    expect(codeOf(() => openEvidenceLog(path))).toBeUndefined();
  });

  it('refuses a tail longer than any record as corrupt, not torn (a crash tears one record at most)', async () => {
    await writeLog(1);
    // Sparse zeros: more bytes without a newline than the longest record line.
    truncateSync(path, readFileSync(path).length + MAX_RECORD_LINE_BYTES + 2);
    expect(codeOf(() => openEvidenceLog(path, { recoverTornTail: true }))).toBe('evidence_log_corrupt');
    expect(readdirSync(dir)).toEqual(['evidence.jsonl']);
  });
});

describe('lock', () => {
  it('lets one writer own a log and takes over a stale lock', async () => {
    const log = openEvidenceLog(path);
    expect(readFileSync(lockPathOf(path), 'utf8')).toBe(`${process.pid}\n`);
    expect(codeOf(() => openEvidenceLog(path))).toBe('evidence_log_locked');
    await log.close();
    expect(existsSync(lockPathOf(path))).toBe(false);
    // A lock left by a process that no longer runs (pid 2^22+ is above Linux's pid_max default).
    writeFileSync(lockPathOf(path), '4194999\n');
    const again = openEvidenceLog(path);
    await again.close();
    // A lock of a live process (ours is live) that is not this log's writer blocks.
    writeFileSync(lockPathOf(path), `${process.ppid}\n`);
    expect(codeOf(() => openEvidenceLog(path))).toBe('evidence_log_locked');
    expect(readdirSync(dir).sort()).toEqual(['evidence.jsonl', 'evidence.jsonl.lock']);
  });
});

describe('signed logs', () => {
  it('signs every record, including log_recovered', async () => {
    const { privateKey } = generateSigningKeyPair();
    await writeLog(2, { signingKey: { algorithm: 'Ed25519', privateKey } });
    appendFileSync(path, 'x');
    const log = openEvidenceLog(path, {
      recoverTornTail: true,
      signingKey: { algorithm: 'Ed25519', privateKey },
    });
    await log.close();
    const records = readFileSync(path, 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { signature?: { algorithm: string } });
    expect(records.map((r) => r.signature?.algorithm)).toEqual(['Ed25519', 'Ed25519', 'Ed25519']);
  });
});
