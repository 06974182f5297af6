import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  buildKeyTrustRoot,
  buildTrustRootBundle,
  generateSigningKeyPair,
  parseIsoInstant,
  publicKeyPem,
  pythonJsonFileText,
  sha256Hex,
  signReleaseFiles,
} from '@cavra/evidence';
import type { KeyObject } from 'node:crypto';
import { releaseVerifyCommand } from '../../src/commands/release-verify.js';
import type { CliIo } from '../../src/io.js';

const oldKey = generateSigningKeyPair();
const newKey = generateSigningKeyPair();
const strangerKey = generateSigningKeyPair();
const fixedClock = (): number => parseIsoInstant('2026-05-01T12:34:56.789012+00:00') as number;

let root: string;
let dir: string;

interface Result {
  code: number;
  stdout: string;
  stderr: string;
  error?: { code: string; message: string; issues?: { path: string; message: string }[] };
}

const run = async (argv: string[], env: Record<string, string> = {}): Promise<Result> => {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdin: Readable.from([]),
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: { write: (chunk: string) => (stderr += chunk) },
    env,
    cwd: root,
  };
  const code = await releaseVerifyCommand(argv, io);
  const error = stderr === '' ? undefined : (JSON.parse(stderr) as { error: Result['error'] }).error;
  return { code, stdout, stderr, ...(error ? { error } : {}) };
};
const issueCodes = (result: Result): string[] =>
  (result.error?.issues ?? []).map((issue) => /^\[([a-z_]+)\]/.exec(issue.message)?.[1] ?? '?');

/** A release directory signed by `signer`. */
function writeRelease(signer: KeyObject): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  const artifacts = new Map<string, Uint8Array>([
    ['cavra-runtime.mjs', Buffer.from('#!/usr/bin/env node\n')],
  ]);
  const claims = [...artifacts].map(([name, bytes]) => ({ name, sha256: sha256Hex(bytes) }));
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
  for (const [name, bytes] of signReleaseFiles(files, signer)) files.set(name, bytes);
  for (const [name, bytes] of files) writeFileSync(join(dir, name), bytes);
}

/** A trust root made the way `cavra-runtime evidence trust-root` makes it. */
function writeRoot(
  name: string,
  key: KeyObject,
  keyId: string,
  status: string,
  window: { validFrom?: string; validUntil?: string } = {},
): string {
  const pemPath = join(root, `${name}.pem`);
  writeFileSync(pemPath, publicKeyPem(key));
  const doc = buildKeyTrustRoot(readFileSync(pemPath), { keyId, status, clock: fixedClock, ...window });
  writeFileSync(join(root, `${name}.json`), pythonJsonFileText(doc));
  return `${name}.json`;
}

function writeBundle(name: string, roots: string[]): string {
  const bundle = buildTrustRootBundle((path) => readFileSync(join(root, path)), roots, fixedClock);
  writeFileSync(join(root, name), pythonJsonFileText(bundle));
  return name;
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'cavra-release-hardening-'));
  dir = join(root, 'release');
  writeRelease(oldKey.privateKey);
  writeFileSync(join(root, 'old.pub.pem'), publicKeyPem(oldKey.publicKey));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('release verify: hardening', () => {
  it.each([
    'cavra-runtime.mjs.sig.json.sig.json',
    'signing-key.pub.pem.sig.json',
    'checksums.txt.sig.json.sig.json',
  ])('refuses an extra unsigned %s (exit 3)', async (extra) => {
    expect((await run(['release', '--public-key', 'old.pub.pem'])).code).toBe(0);
    writeFileSync(join(dir, extra), readFileSync(join(dir, 'cavra-runtime.mjs.sig.json')));
    const result = await run(['release', '--public-key', 'old.pub.pem']);
    expect(result.code).toBe(3);
    expect(result.error?.code).toBe('release_verification_failed');
    expect(result.error?.issues).toContainEqual(expect.objectContaining({ path: extra }));
    expect(issueCodes(result)).toContain('unexpected_signature');
  });

  it('refuses a signature whose key_id was changed', async () => {
    const sigPath = join(dir, 'sbom.spdx.json.sig.json');
    const sig = JSON.parse(readFileSync(sigPath, 'utf8')) as { key_id: string };
    sig.key_id = 'prod-release-key';
    writeFileSync(sigPath, `${JSON.stringify(sig, null, 2)}\n`);
    const result = await run(['release', '--public-key', 'old.pub.pem']);
    expect(result.code).toBe(3);
    expect(issueCodes(result)).toEqual(['signature_key_id_mismatch']);
  });

  it('answers a file over 2 GiB with exit 3, without reading it (sparse file)', async () => {
    const big = join(dir, 'huge.bin');
    writeFileSync(big, '');
    truncateSync(big, 2 * 1024 * 1024 * 1024 + 1);
    const result = await run(['release', '--public-key', 'old.pub.pem']);
    expect(result.code).toBe(3);
    expect(result.error?.issues).toContainEqual(expect.objectContaining({ path: 'huge.bin' }));
    expect(issueCodes(result)).toContain('file_too_large');
  });

  it('refuses /dev/zero and a FIFO as --public-key with a clear JSON error (exit 2), without hanging', async () => {
    const zero = await run(['release', '--public-key', '/dev/zero']);
    expect(zero.code).toBe(2);
    expect(zero.error).toMatchObject({ code: 'input_unreadable' });
    expect(zero.error?.message).toContain('not a regular file');
    const fifo = join(root, 'key.fifo');
    execFileSync('mkfifo', [fifo]);
    const result = await run(['release', '--public-key', 'key.fifo']);
    expect(result.code).toBe(2);
    expect(result.error?.message).toContain('not a regular file');
  });

  it('writes usage errors as one JSON error line (exit 2)', async () => {
    const result = await run(['release']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `${JSON.stringify({ error: { code: 'usage', message: 'release verify: missing --public-key FILE or --trust-root FILE' } })}\n`,
    );
  });
});

describe('release verify --trust-root: key rotation', () => {
  it('verifies a release signed by the active root of a single trust root, and names it', async () => {
    const file = writeRoot('old', oldKey.publicKey, 'release-2025', 'active');
    const result = await run(['release', '--trust-root', file]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('(trust root release-2025, active)');
  });

  it('after rotation: a release by the new active key verifies against the bundle; one by the retired old key is refused', async () => {
    const bundle = writeBundle('roots.json', [
      writeRoot('old', oldKey.publicKey, 'release-2025', 'retired'),
      writeRoot('new', newKey.publicKey, 'release-2026', 'active'),
    ]);
    const old = await run(['release', '--trust-root', bundle]);
    expect(old.code).toBe(3);
    expect(issueCodes(old)).toEqual(['trust_root_not_active']);
    expect(old.error?.issues?.[0]?.message).toContain('release-2025 is retired');

    writeRelease(newKey.privateKey);
    const fresh = await run(['release', '--trust-root', bundle, '--json']);
    expect(fresh.code).toBe(0);
    const report = JSON.parse(fresh.stdout) as { ok: boolean; trust_root: { key_id: string } };
    expect(report).toMatchObject({ ok: true, trust_root: { key_id: 'release-2026', status: 'active' } });
  });

  it('a release signed with an old key that is still active in the bundle verifies', async () => {
    const bundle = writeBundle('roots.json', [
      writeRoot('old', oldKey.publicKey, 'release-2025', 'active'),
      writeRoot('new', newKey.publicKey, 'release-2026', 'active'),
    ]);
    const result = await run(['release', '--trust-root', bundle]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('trust root release-2025');
  });

  it('refuses a revoked key', async () => {
    const result = await run([
      'release',
      '--trust-root',
      writeRoot('old', oldKey.publicKey, 'bad', 'revoked'),
    ]);
    expect(result.code).toBe(3);
    expect(issueCodes(result)).toEqual(['trust_root_not_active']);
  });

  it('refuses a release signed by a key in no root', async () => {
    writeRelease(strangerKey.privateKey);
    const bundle = writeBundle('roots.json', [writeRoot('old', oldKey.publicKey, 'release-2025', 'active')]);
    const result = await run(['release', '--trust-root', bundle]);
    expect(result.code).toBe(3);
    expect(issueCodes(result)).toEqual(['signer_not_trusted']);
  });

  it('ignores validity windows by default (as Python) and checks them with --strict-validity', async () => {
    const expired = writeRoot('old', oldKey.publicKey, 'release-2025', 'active', {
      validFrom: '2025-01-01T00:00:00+00:00',
      validUntil: '2026-01-01T00:00:00+00:00',
    });
    const env = { CAVRA_FIXED_NOW: '2026-05-01T12:34:56+00:00' };
    expect((await run(['release', '--trust-root', expired], env)).code).toBe(0);
    const strict = await run(['release', '--trust-root', expired, '--strict-validity'], env);
    expect(strict.code).toBe(3);
    expect(issueCodes(strict)).toEqual(['trust_root_not_valid']);
    const inside = await run(['release', '--trust-root', expired, '--strict-validity'], {
      CAVRA_FIXED_NOW: '2025-06-01T00:00:00Z',
    });
    expect(inside.code).toBe(0);
  });

  it('refuses a trust root whose fingerprint does not match its PEM (exit 2)', async () => {
    const file = writeRoot('old', oldKey.publicKey, 'release-2025', 'active');
    const doc = JSON.parse(readFileSync(join(root, file), 'utf8')) as Record<string, string>;
    doc.public_key_sha256 = '0'.repeat(64);
    writeFileSync(join(root, file), JSON.stringify(doc));
    const result = await run(['release', '--trust-root', file]);
    expect(result.code).toBe(2);
    expect(result.error?.message).toContain('public_key_sha256 is not the SHA-256 of its public_key_pem');
  });
});
