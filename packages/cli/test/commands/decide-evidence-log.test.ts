import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  acquireLogLock,
  generateSigningKeyPair,
  privateKeyPem,
  publicKeyPem,
  verifyEvidenceLogFile,
} from '@cavra/evidence';
import { main } from '../../src/main.js';
import type { CliIo } from '../../src/io.js';

let root: string;
let logPath: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'cavra-decide-evidence-'));
  logPath = join(root, 'evidence.jsonl');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const run = async (
  argv: string[],
  input: string,
): Promise<{ code: number; stdout: string; stderr: string }> => {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdin: Readable.from([Buffer.from(input)]),
    stdout: {
      write: (chunk: string | Uint8Array) =>
        (stdout += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')),
    },
    stderr: { write: (chunk: string) => (stderr += chunk) },
    env: {},
    cwd: root,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
};

const records = (): Record<string, unknown>[] =>
  readFileSync(logPath, 'utf8')
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

const envRequest = JSON.stringify({ action_type: 'read_file', target: './.env' });
const planRequest = JSON.stringify({ action_type: 'execute_command', target: 'terraform plan' });

describe('--evidence-log on the decide path', () => {
  it('single mode: records the request and decision, adds the reference, and resumes the chain on the next run', async () => {
    const first = await run(['--evidence-log', 'evidence.jsonl'], envRequest);
    expect(first.code).toBe(0);
    const decision = JSON.parse(first.stdout) as { evidence_refs: string[]; decision: string };
    expect(decision.evidence_refs).toHaveLength(2);
    const [record] = records();
    expect(decision.evidence_refs[1]).toBe(`evidence-log:1:${record?.record_hash as string}`);
    expect(record?.request).toEqual(JSON.parse(envRequest));
    // The record holds the decision as answered, before the log's own reference was added.
    expect(record?.decision).toEqual({ ...decision, evidence_refs: decision.evidence_refs.slice(0, 1) });
    const second = await run(['--evidence-log=evidence.jsonl', '--evidence-fsync', 'always'], planRequest);
    expect(second.code).toBe(0);
    expect((JSON.parse(second.stdout) as { evidence_refs: string[] }).evidence_refs[1]).toMatch(
      /^evidence-log:2:/,
    );
    expect(verifyEvidenceLogFile(logPath)).toMatchObject({ ok: true, records: 2 });
  });

  it('--batch: one record per decision, in order; error lines are answered in place and not recorded', async () => {
    const input = `${envRequest}\nnot json\n${planRequest}\n${planRequest}`;
    const { code, stdout } = await run(
      ['--batch', '--evidence-log', 'evidence.jsonl', '--evidence-fsync', 'never'],
      input,
    );
    expect(code).toBe(0);
    const lines = stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { evidence_refs?: string[]; error?: unknown });
    expect(lines).toHaveLength(4);
    expect(lines[1]?.error).toMatchObject({ code: 'invalid_json' });
    const logged = records();
    expect(logged.map((r) => r.sequence)).toEqual([1, 2, 3]);
    expect([lines[0], lines[2], lines[3]].map((line) => line?.evidence_refs?.[1])).toEqual(
      logged.map((r) => `evidence-log:${r.sequence as number}:${r.record_hash as string}`),
    );
    expect(verifyEvidenceLogFile(logPath)).toMatchObject({ ok: true, records: 3 });
  });

  it('signs records with --evidence-signing-key or --evidence-hmac-key', async () => {
    const keys = generateSigningKeyPair();
    writeFileSync(join(root, 'log.pem'), privateKeyPem(keys.privateKey));
    writeFileSync(join(root, 'hmac.key'), 'sixteen bytes or more of secret');
    expect(
      (await run(['--evidence-log', 'evidence.jsonl', '--evidence-signing-key', 'log.pem'], envRequest)).code,
    ).toBe(0);
    expect(
      verifyEvidenceLogFile(logPath, { key: { algorithm: 'Ed25519', publicKey: keys.publicKey } }),
    ).toMatchObject({ ok: true, signed_records: 1 });
    expect(
      (await run(['--evidence-log', 'hmac.jsonl', '--evidence-hmac-key', 'hmac.key'], envRequest)).code,
    ).toBe(0);
    expect(
      verifyEvidenceLogFile(join(root, 'hmac.jsonl'), {
        key: { algorithm: 'HMAC-SHA256', secret: Buffer.from('sixteen bytes or more of secret') },
      }),
    ).toMatchObject({ ok: true, signed_records: 1 });
    writeFileSync(join(root, 'public.pem'), publicKeyPem(keys.publicKey));
    const wrongKind = await run(
      ['--evidence-log', 'evidence.jsonl', '--evidence-signing-key', 'public.pem'],
      envRequest,
    );
    expect(wrongKind.code).toBe(2);
    expect(JSON.parse(wrongKind.stderr)).toMatchObject({ error: { code: 'evidence_key_invalid' } });
    expect(wrongKind.stdout).toBe('');
  });

  it('prints no decision when the log cannot be used: locked, torn, or bad options', async () => {
    const release = acquireLogLock(logPath); // another writer owns it (this process, via the lock file)
    const locked = await run(['--evidence-log', 'evidence.jsonl'], envRequest);
    release();
    expect(locked).toMatchObject({ code: 2, stdout: '' });
    expect(JSON.parse(locked.stderr)).toMatchObject({ error: { code: 'evidence_log_locked' } });

    expect((await run(['--evidence-log', 'evidence.jsonl'], envRequest)).code).toBe(0);
    appendFileSync(logPath, '{"decision":');
    const torn = await run(['--batch', '--evidence-log', 'evidence.jsonl'], planRequest);
    expect(torn).toMatchObject({ code: 2, stdout: '' });
    expect(JSON.parse(torn.stderr)).toMatchObject({ error: { code: 'evidence_log_torn' } });
    const recovered = await run(['--evidence-log', 'evidence.jsonl', '--evidence-recover-torn'], planRequest);
    expect(recovered.code).toBe(0);
    expect((JSON.parse(recovered.stdout) as { evidence_refs: string[] }).evidence_refs[1]).toMatch(
      /^evidence-log:3:/,
    );
    expect(records().map((r) => r.kind)).toEqual(['decision', 'log_recovered', 'decision']);
    expect(readFileSync(`${logPath}.torn-1`, 'utf8')).toBe('{"decision":');

    for (const argv of [
      ['--evidence-fsync', 'always'],
      ['--evidence-log', 'evidence.jsonl', '--evidence-fsync', 'sometimes'],
      ['--evidence-log', 'evidence.jsonl', '--evidence-signing-key', 'a', '--evidence-hmac-key', 'b'],
    ]) {
      const result = await run(argv, envRequest);
      expect(result).toMatchObject({ code: 2, stdout: '' });
      expect(JSON.parse(result.stderr)).toMatchObject({ error: { code: 'usage' } });
    }
    // A bad request releases the log (no lock left behind) and records nothing.
    expect((await run(['--evidence-log', 'evidence.jsonl'], '{')).code).toBe(2);
    expect(records()).toHaveLength(3);
    expect((await run(['--evidence-log', 'evidence.jsonl'], envRequest)).code).toBe(0);
  });
});

const BIN_SOURCE = fileURLToPath(new URL('../../src/bin.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** Runs the CLI from sources under a file-size limit (`ulimit -f`, in 1 KiB blocks), so log writes fail with EFBIG. */
function runWithFileSizeLimit(
  blocks: number,
  args: string[],
  input: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const quoted = [process.execPath, '--import', 'tsx', BIN_SOURCE, ...args]
      .map((a) => `'${a.replace(/'/g, `'\\''`)}'`)
      .join(' ');
    const child = spawn('bash', ['-c', `ulimit -f ${blocks} && exec ${quoted}`], {
      cwd: REPO_ROOT, // where tsx finds the tsconfig paths of the sources
      env: { ...process.env, CAVRA_RUNTIME_NO_CODE_CACHE: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe('--evidence-log when writes fail (real process, file size limit)', () => {
  it('answers evidence_unwritable instead of the decision, exit 1, and leaves a log that verifies', async () => {
    const input = `${Array.from({ length: 40 }, () => planRequest).join('\n')}\n`;
    const batch = await runWithFileSizeLimit(16, ['--batch', '--evidence-log', logPath], input);
    expect(batch.code, batch.stderr).toBe(1);
    const lines = batch.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { decision?: string; error?: { code: string } });
    expect(lines).toHaveLength(40);
    const recorded = lines.findIndex((line) => line.error !== undefined);
    expect(recorded).toBeGreaterThan(0);
    // Every line after the first failure is refused too (the log is not extended past a failed write).
    expect(lines.slice(recorded).every((line) => line.error?.code === 'evidence_unwritable')).toBe(true);
    expect(lines.slice(0, recorded).every((line) => line.decision === 'allow')).toBe(true);
    expect(verifyEvidenceLogFile(logPath)).toMatchObject({ ok: true, records: recorded });

    rmSync(logPath);
    const big = JSON.stringify({
      action_type: 'execute_command',
      target: 'terraform plan',
      note: 'x'.repeat(40_000),
    });
    const single = await runWithFileSizeLimit(16, ['--evidence-log', logPath], big);
    expect(single.code).toBe(1);
    expect(single.stdout).toBe('');
    expect(JSON.parse(single.stderr.trimEnd().split('\n').pop() as string)).toMatchObject({
      error: { code: 'evidence_unwritable' },
    });
    expect(verifyEvidenceLogFile(logPath)).toMatchObject({ ok: true, records: 0 });
  }, 60_000);
});
