import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fc, test } from '@fast-check/vitest';
import { afterAll, describe, expect, it } from 'vitest';
import {
  GENESIS_HASH,
  generateSigningKeyPair,
  openEvidenceLog,
  verifyEvidenceLogBytes,
  verifyEvidenceLogFile,
  type EvidenceEntry,
  type EvidenceLogOptions,
  type LogVerificationReport,
} from '../../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'cavra-verify-log-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileCounter = 0;

/** A fixed clock that ticks one microsecond per reading (test double). */
const fakeClock = (): (() => number) => {
  let now = 1_767_225_600_000_000;
  return () => now++;
};

async function logBytes(
  entries: readonly EvidenceEntry[],
  options: EvidenceLogOptions = {},
): Promise<Buffer> {
  const path = join(dir, `log-${fileCounter++}.jsonl`);
  const log = openEvidenceLog(path, { clock: fakeClock(), fsync: 'never', ...options });
  for (const entry of entries) log.append(entry);
  await log.close();
  const bytes = readFileSync(path);
  rmSync(path);
  return bytes;
}

/** The file as lines; the last one is `terminated: false` when the file does not end in a newline. */
function tokens(bytes: Buffer): { text: string; terminated: boolean }[] {
  const text = bytes.toString('latin1');
  const parts = text.split('\n');
  const last = parts.pop() as string;
  return [
    ...parts.map((part) => ({ text: part, terminated: true })),
    ...(last === '' ? [] : [{ text: last, terminated: false }]),
  ];
}

/**
 * What the verifier must say about `mutated`: the first line that differs from the original's is
 * the first broken record; a mutation that only removed whole lines from the end is undetectable
 * by the chain alone and reads as a shorter, intact log.
 */
function expectedOutcome(
  original: Buffer,
  mutated: Buffer,
): { ok: true; records: number } | { ok: false; line: number } {
  const before = tokens(original);
  const after = tokens(mutated);
  for (let i = 0; i < after.length; i++) {
    const a = after[i];
    const b = before[i];
    if (!b || !a || a.text !== b.text || a.terminated !== b.terminated) return { ok: false, line: i + 1 };
  }
  return { ok: true, records: after.length };
}

function checkOutcome(report: LogVerificationReport, original: Buffer, mutated: Buffer): void {
  const expected = expectedOutcome(original, mutated);
  if (expected.ok) {
    expect(report).toMatchObject({ ok: true, records: expected.records });
    expect(report.broken).toBeUndefined();
  } else {
    expect(report.ok).toBe(false);
    expect(report.broken?.line).toBe(expected.line);
    expect(report.records).toBe(expected.line - 1);
    // The record named is the one on that line: its stated sequence, when it has one.
    const stated = /"sequence":(\d+)[,}]/.exec(tokens(mutated)[expected.line - 1]?.text ?? '');
    if (stated && report.broken?.code !== 'not_json' && report.broken?.code !== 'torn') {
      expect(report.broken?.sequence).toBe(Number(stated[1]));
    }
  }
}

const jsonObject = fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 });
const entryArb: fc.Arbitrary<EvidenceEntry> = fc.record({ request: jsonObject, decision: jsonObject });
const entriesArb = fc.array(entryArb, { minLength: 1, maxLength: 6 });

type Mutation =
  | { kind: 'edit'; at: number; byte: number }
  | { kind: 'delete'; line: number }
  | { kind: 'swap'; a: number; b: number }
  | { kind: 'insert'; copy: number; at: number }
  | { kind: 'truncate'; at: number };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('edit' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('delete' as const), line: fc.nat() }),
  fc.record({ kind: fc.constant('swap' as const), a: fc.nat(), b: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), copy: fc.nat(), at: fc.nat() }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);

function mutate(bytes: Buffer, mutation: Mutation): Buffer | undefined {
  const lines = bytes
    .toString('latin1')
    .split('\n')
    .slice(0, -1)
    .map((line) => `${line}\n`);
  const join = (parts: string[]): Buffer => Buffer.from(parts.join(''), 'latin1');
  switch (mutation.kind) {
    case 'edit': {
      const at = mutation.at % bytes.length;
      if (bytes[at] === mutation.byte) return undefined;
      const copy = Buffer.from(bytes);
      copy[at] = mutation.byte;
      return copy;
    }
    case 'delete':
      return join(lines.filter((_, i) => i !== mutation.line % lines.length));
    case 'swap': {
      const a = mutation.a % lines.length;
      const b = mutation.b % lines.length;
      if (a === b) return undefined;
      const copy = [...lines];
      [copy[a], copy[b]] = [copy[b] as string, copy[a] as string];
      return join(copy);
    }
    case 'insert': {
      const copy = [...lines];
      copy.splice(mutation.at % (lines.length + 1), 0, lines[mutation.copy % lines.length] as string);
      return join(copy);
    }
    case 'truncate':
      return bytes.subarray(0, mutation.at % bytes.length);
  }
}

describe('verifyEvidenceLogBytes / verifyEvidenceLogFile', () => {
  test.prop([entriesArb, mutationArb], { numRuns: 150 })(
    'a written log verifies, and any single mutation is detected at the right first record',
    async (entries, mutation) => {
      const original = await logBytes(entries);
      expect(verifyEvidenceLogBytes(original)).toMatchObject({
        ok: true,
        records: entries.length,
        first_sequence: 1,
        last_sequence: entries.length,
      });
      const mutated = mutate(original, mutation);
      if (mutated === undefined) return;
      const report = verifyEvidenceLogBytes(mutated);
      checkOutcome(report, original, mutated);
      const path = join(dir, `mutated-${fileCounter++}.jsonl`);
      writeFileSync(path, mutated);
      expect(verifyEvidenceLogFile(path)).toEqual(report);
      rmSync(path);
    },
  );

  it('names the reason for each kind of damage', async () => {
    const entries = Array.from({ length: 4 }, (_, i) => ({
      request: { i },
      decision: { decision: 'allow' },
    }));
    const original = await logBytes(entries);
    const lines = original.toString('utf8').split('\n').slice(0, -1);
    const check = (text: string) => verifyEvidenceLogBytes(Buffer.from(text)).broken;
    const joined = (parts: string[]): string => parts.map((l) => `${l}\n`).join('');
    expect(check(joined([lines[0], lines[2], lines[3]] as string[]))).toMatchObject({
      line: 2,
      sequence: 3,
      code: 'sequence_mismatch',
    });
    expect(check(joined([lines[1], lines[0]] as string[]))).toMatchObject({
      line: 1,
      sequence: 2,
      code: 'sequence_mismatch',
    });
    expect(check(joined([lines[0], lines[0]] as string[]))).toMatchObject({
      line: 2,
      sequence: 1,
      code: 'sequence_mismatch',
    });
    expect(check(joined(lines).slice(0, -5))).toMatchObject({ line: 4, sequence: 4, code: 'torn' });
    expect(check(joined(lines).replace('{"i":2}', '{"i":7}'))).toMatchObject({
      line: 3,
      sequence: 3,
      code: 'hash_mismatch',
    });
    expect(check(`${joined(lines)}\n`)).toMatchObject({ line: 5, sequence: null, code: 'not_json' });
    // A damaged record names its own sequence, not one inside its request.
    const nested = (await logBytes([{ request: { sequence: 42 }, decision: {} }])).toString('utf8');
    expect(check(nested.replace('"request":{"sequence":42}', '"request":{"sequence":43}'))).toMatchObject({
      line: 1,
      sequence: 1,
      code: 'hash_mismatch',
    });
    expect(check(nested.slice(0, -3))).toMatchObject({ line: 1, sequence: 1, code: 'torn' });
    // A record from another log has a valid hash and the right sequence but the wrong previous_hash.
    const otherLog = (
      await logBytes([
        { request: { other: true }, decision: {} },
        { request: { x: 1 }, decision: {} },
      ])
    )
      .toString('utf8')
      .split('\n');
    expect(check(joined([lines[0], otherLog[1]] as string[]))).toMatchObject({
      line: 2,
      sequence: 2,
      code: 'previous_hash_mismatch',
    });
    expect(verifyEvidenceLogBytes(Buffer.alloc(0))).toEqual({
      ok: true,
      records: 0,
      first_sequence: null,
      last_sequence: null,
      head_hash: GENESIS_HASH,
      signed_records: 0,
      signatures: 'not_checked',
    });
  });

  it('reads lines that span its read chunks', async () => {
    const big = 'x'.repeat(1_500_000);
    const original = await logBytes([
      { request: { big }, decision: {} },
      { request: { small: 1 }, decision: {} },
      { request: { big }, decision: {} },
    ]);
    const path = join(dir, 'big.jsonl');
    writeFileSync(path, original);
    expect(verifyEvidenceLogFile(path)).toEqual(verifyEvidenceLogBytes(original));
    expect(verifyEvidenceLogFile(path)).toMatchObject({ ok: true, records: 3 });
    const damaged = Buffer.from(original);
    damaged[original.indexOf('"small"') + 2] = 0x41;
    writeFileSync(path, damaged);
    expect(verifyEvidenceLogFile(path).broken).toMatchObject({ line: 2, code: 'hash_mismatch' });
    writeFileSync(path, original.subarray(0, original.length - 100));
    expect(verifyEvidenceLogFile(path).broken).toMatchObject({ line: 3, sequence: null, code: 'torn' });
  });
});

describe('signatures', () => {
  const { privateKey, publicKey } = generateSigningKeyPair();
  const other = generateSigningKeyPair();
  const secret = Buffer.from('a secret of at least sixteen bytes');
  const entries = [1, 2, 3].map((i) => ({ request: { i }, decision: {} }));

  it('Ed25519: verifies with the right key, fails on the wrong key, an edited signature or an unsigned record', async () => {
    const signed = await logBytes(entries, { signingKey: { algorithm: 'Ed25519', privateKey } });
    expect(verifyEvidenceLogBytes(signed, { key: { algorithm: 'Ed25519', publicKey } })).toMatchObject({
      ok: true,
      records: 3,
      signed_records: 3,
      signatures: 'verified',
    });
    expect(verifyEvidenceLogBytes(signed)).toMatchObject({
      ok: true,
      signatures: 'not_checked',
      signed_records: 3,
    });
    expect(
      verifyEvidenceLogBytes(signed, { key: { algorithm: 'Ed25519', publicKey: other.publicKey } }).broken,
    ).toMatchObject({
      line: 1,
      sequence: 1,
      code: 'bad_signature',
    });
    // Flip one base64 character of the second record's signature: the line stays canonical and hashed.
    const text = signed.toString('utf8');
    const second = text.indexOf('"value":"', text.indexOf('"sequence":2')) + 9;
    const edited = text.slice(0, second) + (text[second] === 'A' ? 'B' : 'A') + text.slice(second + 1);
    expect(
      verifyEvidenceLogBytes(Buffer.from(edited), { key: { algorithm: 'Ed25519', publicKey } }).broken,
    ).toMatchObject({
      line: 2,
      code: 'bad_signature',
    });
    const unsigned = await logBytes(entries);
    expect(
      verifyEvidenceLogBytes(unsigned, { key: { algorithm: 'Ed25519', publicKey } }).broken,
    ).toMatchObject({
      line: 1,
      code: 'missing_signature',
    });
  });

  it('HMAC-SHA256: verifies with the secret, fails with another', async () => {
    const signed = await logBytes(entries, { signingKey: { algorithm: 'HMAC-SHA256', secret } });
    expect(verifyEvidenceLogBytes(signed, { key: { algorithm: 'HMAC-SHA256', secret } })).toMatchObject({
      ok: true,
      signed_records: 3,
    });
    expect(
      verifyEvidenceLogBytes(signed, {
        key: { algorithm: 'HMAC-SHA256', secret: Buffer.from('another secret, sixteen+ bytes') },
      }).broken,
    ).toMatchObject({ line: 1, code: 'bad_signature' });
    expect(verifyEvidenceLogBytes(signed, { key: { algorithm: 'Ed25519', publicKey } }).broken).toMatchObject(
      { line: 1, code: 'bad_signature' },
    );
  });
});
