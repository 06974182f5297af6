import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CavraError, type PyDict } from '@cavra/policy-model';
import {
  buildKeyTrustRoot,
  keyFingerprint,
  parseIsoInstant,
  publicKeyPem,
  releaseTrustRoots,
  selectReleaseSigner,
} from '../../src/index.js';

const clock = (): number => parseIsoInstant('2026-01-01T00:00:00+00:00') as number;
const a = generateKeyPairSync('ed25519').publicKey;
const b = generateKeyPairSync('ed25519').publicKey;
const rootOf = (
  key: typeof a,
  keyId: string,
  status: string,
  window: { validFrom?: string; validUntil?: string } = {},
): PyDict => buildKeyTrustRoot(Buffer.from(publicKeyPem(key)), { keyId, status, clock, ...window });
const bundleOf = (...roots: PyDict[]): PyDict =>
  new Map<string, unknown>([
    ['schema_version', 'cavra.evidence.trust-root-bundle.v1'],
    ['trust_roots', roots],
  ]) as PyDict;

describe('releaseTrustRoots and selectReleaseSigner', () => {
  it('finds the signing key in a bundle by its DER fingerprint and names the root', () => {
    const roots = releaseTrustRoots(
      bundleOf(rootOf(a, 'old', 'retired'), rootOf(b, 'new', 'active')),
      'roots.json',
    );
    const picked = selectReleaseSigner(roots, keyFingerprint(b).publicKeySha256);
    expect(picked.ok && picked.root.keyId).toBe('new');
    expect(selectReleaseSigner(roots, keyFingerprint(a).publicKeySha256)).toMatchObject({
      ok: false,
      code: 'trust_root_not_active',
    });
    expect(selectReleaseSigner(roots, 'f'.repeat(64))).toMatchObject({
      ok: false,
      code: 'signer_not_trusted',
    });
  });

  it('checks the validity window only when asked', () => {
    const roots = releaseTrustRoots(
      rootOf(a, 'k', 'active', { validFrom: '2027-01-01T00:00:00+00:00' }),
      'root.json',
    );
    const signer = keyFingerprint(a).publicKeySha256;
    expect(selectReleaseSigner(roots, signer).ok).toBe(true);
    expect(selectReleaseSigner(roots, signer, { strictValidity: true, nowMicros: clock() })).toMatchObject({
      ok: false,
      code: 'trust_root_not_valid',
    });
    expect(
      selectReleaseSigner(roots, signer, {
        strictValidity: true,
        nowMicros: parseIsoInstant('2027-06-01T00:00:00Z'),
      }).ok,
    ).toBe(true);
  });

  it("refuses a root whose fingerprint is not its PEM's, or whose key is not Ed25519", () => {
    const tampered = rootOf(a, 'k', 'active');
    tampered.set('public_key_sha256', '0'.repeat(64));
    expect(() => releaseTrustRoots(tampered, 'r.json')).toThrow(CavraError);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey;
    expect(() => releaseTrustRoots(rootOf(rsa, 'rsa', 'active'), 'r.json')).toThrow(/not Ed25519/);
  });
});
