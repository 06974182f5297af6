import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  generateSigningKeyPair,
  openEvidenceLog,
  privateKeyPem,
  publicKeyPem,
  type EvidenceLogOptions,
} from '@cavra/evidence';
import { evidenceVerifyLogCommand } from '../../src/commands/evidence-verify-log.js';
import { memoryIo } from '../support/memory-io.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'cavra-verify-log-cli-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const run = async (argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
  const { io, stdout, stderr } = memoryIo('', { cwd: root });
  const code = await evidenceVerifyLogCommand(argv, io);
  return { code, stdout: stdout(), stderr: stderr() };
};

const writeLog = async (count: number, options: EvidenceLogOptions = {}): Promise<string> => {
  const log = openEvidenceLog(join(root, 'evidence.jsonl'), options);
  for (let i = 0; i < count; i++)
    log.append({ request: { action_type: 'read_file', target: `f${i}` }, decision: { decision: 'allow' } });
  await log.close();
  return readFileSync(join(root, 'evidence.jsonl'), 'utf8');
};

describe('evidence verify-log', () => {
  it('exits 0 with a JSON report for an intact log', async () => {
    await writeLog(3);
    const { code, stdout, stderr } = await run(['evidence.jsonl']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const report = JSON.parse(stdout) as Record<string, unknown>;
    expect(report).toMatchObject({
      ok: true,
      file: 'evidence.jsonl',
      records: 3,
      first_sequence: 1,
      last_sequence: 3,
      signatures: 'not_checked',
    });
    expect(report.head_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    [
      'edited',
      (lines: string[]) => [lines[0], (lines[1] as string).replace('"f1"', '"f7"'), lines[2]],
      2,
      2,
      'hash_mismatch',
    ],
    ['deleted', (lines: string[]) => [lines[0], lines[2]], 2, 3, 'sequence_mismatch'],
    ['reordered', (lines: string[]) => [lines[0], lines[2], lines[1]], 2, 3, 'sequence_mismatch'],
    ['inserted', (lines: string[]) => [lines[0], lines[1], lines[0], lines[2]], 3, 1, 'sequence_mismatch'],
  ] as const)(
    'exits 3 naming the first broken record of a log with a record %s',
    async (_name, change, line, sequence, reason) => {
      const lines = (await writeLog(3)).trimEnd().split('\n');
      writeFileSync(join(root, 'evidence.jsonl'), `${change(lines).join('\n')}\n`);
      const { code, stdout, stderr } = await run(['evidence.jsonl']);
      expect(code).toBe(3);
      expect(JSON.parse(stdout)).toMatchObject({
        ok: false,
        records: line - 1,
        broken: { line, sequence, code: reason },
      });
      expect(stderr).toContain(`FAILED evidence.jsonl: line ${line} (sequence ${sequence}): [${reason}]`);
    },
  );

  it('exits 3 for a truncated record', async () => {
    const text = await writeLog(3);
    writeFileSync(join(root, 'evidence.jsonl'), text.slice(0, -20));
    const { code, stdout } = await run(['evidence.jsonl']);
    expect(code).toBe(3);
    expect(JSON.parse(stdout)).toMatchObject({ broken: { line: 3, code: 'torn' } });
  });

  it('checks Ed25519 signatures with --public-key (wrong key: exit 3)', async () => {
    const keys = generateSigningKeyPair();
    const other = generateSigningKeyPair();
    writeFileSync(join(root, 'right.pub.pem'), publicKeyPem(keys.publicKey));
    writeFileSync(join(root, 'wrong.pub.pem'), publicKeyPem(other.publicKey));
    writeFileSync(join(root, 'private.pem'), privateKeyPem(keys.privateKey));
    await writeLog(2, { signingKey: { algorithm: 'Ed25519', privateKey: keys.privateKey } });
    const ok = await run(['evidence.jsonl', '--public-key', 'right.pub.pem']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true, signatures: 'verified', signed_records: 2 });
    const wrong = await run(['evidence.jsonl', '--public-key=wrong.pub.pem']);
    expect(wrong.code).toBe(3);
    expect(JSON.parse(wrong.stdout)).toMatchObject({
      broken: { line: 1, sequence: 1, code: 'bad_signature' },
    });
    // A private key is not a public key: refused as bad input, not as a broken log.
    const bad = await run(['evidence.jsonl', '--public-key', 'private.pem']);
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stderr)).toMatchObject({ error: { code: 'evidence_key_invalid' } });
  });

  it('checks HMAC-SHA256 signatures with --hmac-key (wrong key: exit 3; unsigned log: exit 3)', async () => {
    writeFileSync(join(root, 'hmac.key'), 'the shared secret, 16+ bytes\n');
    writeFileSync(join(root, 'other.key'), 'another shared secret, 16+ bytes\n');
    await writeLog(2, {
      signingKey: { algorithm: 'HMAC-SHA256', secret: Buffer.from('the shared secret, 16+ bytes') },
    });
    expect((await run(['evidence.jsonl', '--hmac-key', 'hmac.key'])).code).toBe(0);
    const wrong = await run(['evidence.jsonl', '--hmac-key', 'other.key']);
    expect(wrong.code).toBe(3);
    expect(JSON.parse(wrong.stdout)).toMatchObject({ broken: { line: 1, code: 'bad_signature' } });
    rmSync(join(root, 'evidence.jsonl'));
    await writeLog(1);
    const unsigned = await run(['evidence.jsonl', '--hmac-key', 'hmac.key']);
    expect(unsigned.code).toBe(3);
    expect(JSON.parse(unsigned.stdout)).toMatchObject({ broken: { line: 1, code: 'missing_signature' } });
  });

  it('exits 2 for usage errors and unreadable input, with a JSON error', async () => {
    await writeLog(1);
    writeFileSync(join(root, 'short.key'), 'short');
    for (const [argv, code] of [
      [[], 'usage'],
      [['evidence.jsonl', 'extra'], 'usage'],
      [['evidence.jsonl', '--bogus'], 'usage'],
      [['evidence.jsonl', '--public-key', 'a', '--hmac-key', 'b'], 'usage'],
      [['missing.jsonl'], 'input_unreadable'],
      [['.'], 'input_unreadable'],
      [['evidence.jsonl', '--hmac-key', 'short.key'], 'evidence_key_invalid'],
      [['evidence.jsonl', '--public-key', 'missing.pem'], 'evidence_key_invalid'],
    ] as const) {
      const result = await run([...argv]);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(JSON.parse(result.stderr)).toMatchObject({ error: { code } });
      expect(result.stdout).toBe('');
    }
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: cavra-runtime evidence verify-log FILE');
  });
});
