import { execFileSync } from 'node:child_process';
import { createPublicKey, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { RECORDING_DIR, runInProcess } from './evidence/recorded-cases.js';

/** A stdlib-only stand-in for Python CAVRA's verdict rules (see the script's docstring); run with the real python3. */
const STAND_IN_PYTHON = fileURLToPath(new URL('./evidence/stand_in_python_verify.py', import.meta.url));
const standInPythonVerify = (dir: string, key?: string) =>
  JSON.parse(
    execFileSync('python3', [STAND_IN_PYTHON, dir, ...(key ? [key] : [])], { encoding: 'utf8' }),
  ) as {
    ok: boolean;
    errors: string[];
    canonical_b64: string;
    json_files_as_python_writes_them: Record<string, boolean>;
  };

const work = mkdtempSync(join(tmpdir(), 'cavra-evidence-interop-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const env = { CAVRA_FIXED_NOW: '2029-07-04T01:02:03.000400+00:00' };

const bundle = async (name: string, args: string[]): Promise<string> => {
  const out = join(work, name);
  const result = await runInProcess(['evidence', 'bundle', '--output', out, ...args], work, env);
  expect(result.code, result.stderr).toBe(0);
  return out;
};

describe('evidence bundles made here, judged by Python itself (stdlib stand-in of the verdict rules)', () => {
  it('HMAC with a non-ASCII key and signer: Python accepts the signature and writes every JSON file the same way', async () => {
    const dir = await bundle('hmac', [
      '--key',
      'clé-🔑',
      '--signer',
      'sécurité-😀',
      '--retention-days',
      '90',
    ]);
    const verdict = standInPythonVerify(dir, 'clé-🔑');
    expect(verdict).toMatchObject({ ok: true, errors: [] });
    expect(Object.values(verdict.json_files_as_python_writes_them)).toEqual([true, true, true, true, true]);
    expect(standInPythonVerify(dir, 'other').errors).toEqual(['manifest signature mismatch']);
  });

  it('SHA-256 digest manifests', async () => {
    const dir = await bundle('digest', ['--legal-hold', '--classification', 'Ω-class']);
    expect(standInPythonVerify(dir)).toMatchObject({ ok: true, errors: [] });
  });

  it('Ed25519: the signature verifies over the canonical input Python computes', async () => {
    const dir = await bundle('ed25519', [
      '--private-key',
      join(RECORDING_DIR, 'keys/b-private.pem'),
      '--key-id',
      'prod-b',
      '--signer',
      'ünïcode ☃',
    ]);
    const verdict = standInPythonVerify(dir);
    expect(verdict.ok).toBe(true);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {
      signature: { value: string };
    };
    const publicKey = createPublicKey(readFileSync(join(RECORDING_DIR, 'keys/b-public.pem')));
    expect(
      verify(
        null,
        Buffer.from(verdict.canonical_b64, 'base64'),
        publicKey,
        Buffer.from(manifest.signature.value, 'base64'),
      ),
    ).toBe(true);
    // And with Python's own trust-root bundle, through our verifier.
    const result = await runInProcess(
      ['evidence', 'verify', dir, '--trust-root', join(RECORDING_DIR, 'bundles/main.json')],
      work,
      {},
    );
    expect(result).toMatchObject({ code: 0, stdout: 'evidence verified\n' });
  });

  it('a tampered file is caught by both sides alike', async () => {
    const dir = await bundle('tampered', ['--key', 'k']);
    execFileSync('sh', ['-c', `printf x >> "${join(dir, 'pr-attestation.md')}"`]);
    expect(standInPythonVerify(dir, 'k').errors).toEqual(['checksum mismatch: pr-attestation.md']);
    const ours = await runInProcess(['evidence', 'verify', dir, '--key', 'k'], work, {});
    expect(ours).toMatchObject({
      code: 1,
      stdout: 'evidence verification failed\n  - checksum mismatch: pr-attestation.md\n',
    });
  });
});
