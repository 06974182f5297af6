import { mkdtempSync, mkdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  generateSigningKeyPair,
  privateKeyPem,
  publicKeyPem,
  sha256Hex,
  signReleaseFiles,
} from '@cavra/evidence';
import { releaseVerifyCommand } from '../../src/commands/release-verify.js';
import type { CliIo } from '../../src/io.js';

const keys = generateSigningKeyPair();
const otherKeys = generateSigningKeyPair();

let root: string;
let dir: string;

const run = async (argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdin: Readable.from([]),
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: { write: (chunk: string) => (stderr += chunk) },
    env: {},
    cwd: root,
  };
  const code = await releaseVerifyCommand(argv, io);
  return { code, stdout, stderr: renderError(stderr) };
};

/**
 * Every failure is one `{"error": …}` line on stderr; rendered here as `message` plus one
 * `  path: message` line per issue, so assertions read like the report.
 */
function renderError(stderr: string): string {
  if (stderr === '') return '';
  expect(stderr.endsWith('\n') && !stderr.slice(0, -1).includes('\n')).toBe(true);
  const { error } = JSON.parse(stderr) as {
    error: { code: string; message: string; issues?: { path: string; message: string }[] };
  };
  expect(typeof error.code).toBe('string');
  return `${error.message}\n${(error.issues ?? []).map((issue) => `  ${issue.path}: ${issue.message}\n`).join('')}`;
}
const verify = (): Promise<{ code: number; stdout: string; stderr: string }> =>
  run(['release', '--public-key', 'trusted.pub.pem']);

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'cavra-release-verify-'));
  dir = join(root, 'release');
  mkdirSync(dir);
  const artifacts = new Map<string, Uint8Array>([
    ['cavra-runtime.mjs', Buffer.from('#!/usr/bin/env node\nconsole.log("cavra")\n')],
    ['cavra-evidence-0.1.0.tgz', Buffer.from([0x1f, 0x8b, 0x08, 0x00, 1, 2, 3])],
  ]);
  const claims = [...artifacts].map(([name, bytes]) => ({
    name,
    sha256: sha256Hex(bytes),
    size: bytes.length,
  }));
  const files = new Map(artifacts);
  files.set(
    'sbom.spdx.json',
    Buffer.from(
      JSON.stringify({
        spdxVersion: 'SPDX-2.3',
        packages: claims.map((c) => ({
          packageFileName: c.name,
          checksums: [{ algorithm: 'SHA256', checksumValue: c.sha256 }],
        })),
      }),
    ),
  );
  files.set('release-evidence.json', Buffer.from(JSON.stringify({ artifacts: claims })));
  for (const [name, bytes] of signReleaseFiles(files, keys.privateKey)) files.set(name, bytes);
  for (const [name, bytes] of files) writeFileSync(join(dir, name), bytes);
  writeFileSync(join(root, 'trusted.pub.pem'), publicKeyPem(keys.publicKey));
  writeFileSync(join(root, 'other.pub.pem'), publicKeyPem(otherKeys.publicKey));
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('cavra-runtime release verify', () => {
  it('exits 0 and lists the artifacts for an intact release', async () => {
    const result = await verify();
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain('release verify: OK');
    expect(result.stdout).toContain('2 artifacts; 5 signatures verified');
    expect(result.stdout).toContain('  ok cavra-runtime.mjs\n');
  });

  it('exits 3 on a flipped byte and names the file', async () => {
    const path = join(dir, 'cavra-evidence-0.1.0.tgz');
    const bytes = readFileSync(path);
    bytes[5] = (bytes[5] ?? 0) ^ 0x01;
    writeFileSync(path, bytes);
    const result = await verify();
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^release verify: FAILED .*release \(\d+ problems\)\n/);
    expect(result.stderr).toContain('cavra-evidence-0.1.0.tgz: [checksum_mismatch]');
    expect(result.stderr).toContain('cavra-evidence-0.1.0.tgz: [signature_digest_mismatch]');
  });

  it('exits 3 on an altered signature', async () => {
    const path = join(dir, 'cavra-runtime.mjs.sig.json');
    const sig = JSON.parse(readFileSync(path, 'utf8')) as { signature: string };
    const raw = Buffer.from(sig.signature, 'base64');
    raw[63] = (raw[63] ?? 0) ^ 0x01;
    writeFileSync(path, JSON.stringify({ ...sig, signature: raw.toString('base64') }));
    const result = await verify();
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(
      'cavra-runtime.mjs: [signature_bad] cavra-runtime.mjs.sig.json: Ed25519 signature does not verify',
    );
  });

  it('exits 3 on a missing signature', async () => {
    unlinkSync(join(dir, 'sbom.spdx.json.sig.json'));
    const result = await verify();
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('sbom.spdx.json: [signature_missing]');
  });

  it('exits 3 with a wrong key', async () => {
    const result = await run(['release', '--public-key', 'other.pub.pem']);
    expect(result.code).toBe(3);
    expect(result.stderr.match(/\[signature_wrong_key\]/g)).toHaveLength(5);
    expect(result.stderr).toContain('[public_key_mismatch]');
  });

  it('exits 3 on an edited checksums.txt', async () => {
    const path = join(dir, 'checksums.txt');
    writeFileSync(path, readFileSync(path, 'utf8').replace('cavra-runtime.mjs', 'cavra-runtime.js'));
    const result = await verify();
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('checksums.txt: [signature_digest_mismatch]');
    expect(result.stderr).toContain('cavra-runtime.js: [file_missing]');
    expect(result.stderr).toContain('cavra-runtime.mjs: [unlisted_file]');
  });

  it('exits 3 on an extra artifact and on a stray directory', async () => {
    writeFileSync(join(dir, 'extra.tgz'), 'x');
    mkdirSync(join(dir, 'nested'));
    const result = await verify();
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('extra.tgz: [unlisted_file]');
    expect(result.stderr).toContain(
      'sbom.spdx.json: [sbom_artifacts_mismatch] sbom.spdx.json does not name artifact(s) present: extra.tgz',
    );
    expect(result.stderr).toContain('nested: [unexpected_entry]');
  });

  it('exits 3 on a missing artifact', async () => {
    unlinkSync(join(dir, 'cavra-runtime.mjs'));
    const result = await verify();
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('cavra-runtime.mjs: [file_missing]');
    expect(result.stderr).toContain(
      '[evidence_artifacts_mismatch] release-evidence.json names artifact(s) not present: cavra-runtime.mjs',
    );
  });

  it('prints a JSON report with --json', async () => {
    unlinkSync(join(dir, 'cavra-runtime.mjs.sig.json'));
    const result = await run(['release', '--public-key=trusted.pub.pem', '--json']);
    expect(result.code).toBe(3);
    const report = JSON.parse(result.stdout) as { ok: boolean; problems: { code: string }[] };
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.code)).toEqual(['signature_missing']);
  });

  it.each([
    [[], 'missing DIR'],
    [['release'], 'missing --public-key FILE or --trust-root FILE'],
    [['release', '--public-key'], '--public-key needs a FILE'],
    [['release', '--public-key', 'trusted.pub.pem', '--bogus'], 'unknown option --bogus'],
    [['release', 'again', '--public-key', 'trusted.pub.pem'], 'unexpected argument again'],
  ])('exits 2 on usage error %j', async (argv, message) => {
    const result = await run(argv);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`release verify: ${message}\n`);
  });

  it('exits 2 when the directory or key is unreadable or the key is not an Ed25519 public key', async () => {
    expect((await run(['missing', '--public-key', 'trusted.pub.pem'])).stderr).toMatch(
      /cannot read directory .*ENOENT/,
    );
    expect((await run(['release', '--public-key', 'nope.pem'])).code).toBe(2);
    writeFileSync(join(root, 'private.pem'), privateKeyPem(keys.privateKey));
    const result = await run(['release', '--public-key', 'private.pem']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('not an SPKI PEM public key');
  });

  it('prints help with exit 0', async () => {
    const result = await run(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      'Exit codes: 0 verified, 1 internal fault, 2 usage or unreadable input, 3 verification failed.',
    );
  });
});
