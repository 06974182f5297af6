import { generateKeyPairSync, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  SigningError,
  generateSigningKeyPair,
  keyFingerprint,
  loadPrivateKey,
  loadPublicKey,
  parseDetachedSignature,
  privateKeyPem,
  publicKeyPem,
  serializeSignature,
  sha256Hex,
  signDetached,
  verifyDetached,
} from '../../src/index.js';

const bytes = Buffer.from('cavra release artifact\n', 'utf8');

describe('Ed25519 detached signatures', () => {
  const { privateKey, publicKey } = generateSigningKeyPair();

  it('produces the documented signature document and verifies it', () => {
    const sig = signDetached(bytes, privateKey, 'a.tgz');
    const { keyId, publicKeySha256 } = keyFingerprint(publicKey);
    expect(sig).toEqual({
      schema_version: 1,
      algorithm: 'Ed25519',
      key_id: keyId,
      public_key_sha256: publicKeySha256,
      digest: `sha256:${sha256Hex(bytes)}`,
      signature: expect.stringMatching(/^[A-Za-z0-9+/]{86}==$/) as string,
      file: 'a.tgz',
    });
    expect(keyId).toBe(publicKeySha256.slice(0, 16));
    expect(verifyDetached(bytes, sig, publicKey, 'a.tgz')).toEqual({ ok: true });
    // Plain Ed25519 over the raw bytes: any Ed25519 implementation can check it.
    expect(verify(null, bytes, publicKey, Buffer.from(sig.signature, 'base64'))).toBe(true);
  });

  it('round-trips through JSON', () => {
    const sig = signDetached(bytes, privateKey);
    expect(parseDetachedSignature(serializeSignature(sig))).toEqual(sig);
    expect(serializeSignature(sig).endsWith('}\n')).toBe(true);
  });

  it('rejects a flipped byte', () => {
    const sig = signDetached(bytes, privateKey);
    const tampered = Buffer.from(bytes);
    tampered[3] = (tampered[3] ?? 0) ^ 0x01;
    expect(verifyDetached(tampered, sig, publicKey)).toMatchObject({ ok: false, code: 'digest_mismatch' });
  });

  it('rejects an altered signature even when the digest still matches', () => {
    const sig = signDetached(bytes, privateKey);
    const raw = Buffer.from(sig.signature, 'base64');
    raw[10] = (raw[10] ?? 0) ^ 0x80;
    expect(verifyDetached(bytes, { ...sig, signature: raw.toString('base64') }, publicKey)).toMatchObject({
      ok: false,
      code: 'bad_signature',
    });
  });

  it('rejects a digest edited to match tampered content', () => {
    const sig = signDetached(bytes, privateKey);
    const tampered = Buffer.from('cavra release artifacT\n', 'utf8');
    expect(
      verifyDetached(tampered, { ...sig, digest: `sha256:${sha256Hex(tampered)}` }, publicKey),
    ).toMatchObject({
      ok: false,
      code: 'bad_signature',
    });
  });

  it('rejects a wrong key, naming both keys', () => {
    const sig = signDetached(bytes, privateKey);
    const other = generateSigningKeyPair().publicKey;
    const check = verifyDetached(bytes, sig, other);
    expect(check).toMatchObject({ ok: false, code: 'wrong_key' });
    expect(!check.ok && check.message).toContain(keyFingerprint(other).keyId);
  });

  it('rejects a signature made by another key that claims this key', () => {
    const other = generateSigningKeyPair().privateKey;
    const forged = { ...signDetached(bytes, other), ...keyFieldsOf(publicKey) };
    expect(verifyDetached(bytes, forged, publicKey)).toMatchObject({ ok: false, code: 'bad_signature' });
  });

  it('rejects a signature for another file name', () => {
    const sig = signDetached(bytes, privateKey, 'a.tgz');
    expect(verifyDetached(bytes, sig, publicKey, 'b.tgz')).toMatchObject({ ok: false, code: 'wrong_file' });
  });

  it('keeps the key id stable across PEM round trips', () => {
    const reloaded = loadPublicKey(publicKeyPem(publicKey));
    expect(keyFingerprint(reloaded)).toEqual(keyFingerprint(publicKey));
    const privateReloaded = loadPrivateKey(privateKeyPem(privateKey));
    expect(verifyDetached(bytes, signDetached(bytes, privateReloaded), publicKey)).toEqual({ ok: true });
  });
});

describe('key loading', () => {
  it('refuses non-Ed25519 keys with a typed error', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(() => loadPrivateKey(rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString())).toThrow(
      expect.objectContaining({ code: 'not_ed25519' }) as unknown,
    );
    expect(() => loadPublicKey(rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString())).toThrow(
      SigningError,
    );
  });

  it('refuses encrypted, non-PKCS#8 and garbage private keys', () => {
    const { privateKey } = generateSigningKeyPair();
    const encrypted = privateKey
      .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'x' })
      .toString();
    expect(() => loadPrivateKey(encrypted)).toThrow(/encrypted keys are not supported/);
    expect(() => loadPrivateKey('not a key')).toThrow(
      expect.objectContaining({ code: 'invalid_private_key' }) as unknown,
    );
    expect(() => loadPrivateKey('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n')).toThrow(
      SigningError,
    );
  });

  it('refuses a private key passed as the public key', () => {
    const { privateKey } = generateSigningKeyPair();
    expect(() => loadPublicKey(privateKeyPem(privateKey))).toThrow(
      expect.objectContaining({ code: 'invalid_public_key' }) as unknown,
    );
  });
});

describe('parseDetachedSignature', () => {
  const { privateKey } = generateSigningKeyPair();
  const good = signDetached(bytes, privateKey);
  const cases: [string, unknown][] = [
    ['not JSON', '{'],
    ['an array', []],
    ['a wrong schema_version', { ...good, schema_version: 2 }],
    ['another algorithm', { ...good, algorithm: 'RSA' }],
    ['no key_id', { ...good, key_id: '' }],
    ['a short public_key_sha256', { ...good, public_key_sha256: 'abc' }],
    ['a sha512 digest', { ...good, digest: `sha512:${'0'.repeat(64)}` }],
    ['a truncated signature', { ...good, signature: good.signature.slice(0, 40) }],
    ['a missing signature', { ...good, signature: undefined }],
  ];
  it.each(cases)('rejects %s', (_label, value) => {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    expect(() => parseDetachedSignature(text)).toThrow(
      expect.objectContaining({ code: 'invalid_signature_document' }) as unknown,
    );
  });
});

function keyFieldsOf(publicKey: ReturnType<typeof generateSigningKeyPair>['publicKey']): {
  key_id: string;
  public_key_sha256: string;
} {
  const { keyId, publicKeySha256 } = keyFingerprint(publicKey);
  return { key_id: keyId, public_key_sha256: publicKeySha256 };
}
