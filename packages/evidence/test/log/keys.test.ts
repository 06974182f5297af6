import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CavraError } from '@cavra/policy-model';
import {
  generateSigningKeyPair,
  hmacSecretFrom,
  privateKeyPem,
  publicKeyPem,
  readEvidenceSigningKey,
  readEvidenceVerificationKey,
  signRecordHash,
  signatureProblem,
  GENESIS_HASH,
} from '../../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'cavra-evidence-keys-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string | Buffer): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    return error instanceof CavraError ? error.code : `not a CavraError: ${String(error)}`;
  }
  return undefined;
};

describe('evidence key files', () => {
  const { privateKey, publicKey } = generateSigningKeyPair();

  it('reads an Ed25519 PKCS#8 private key for signing and its SPKI public key for verifying', () => {
    const signing = readEvidenceSigningKey(file('log.pem', privateKeyPem(privateKey)), 'Ed25519');
    const verifying = readEvidenceVerificationKey(file('log.pub.pem', publicKeyPem(publicKey)), 'Ed25519');
    const record = {
      kind: 'decision' as const,
      sequence: 1,
      time: 't',
      request: {},
      decision: {},
      previous_hash: GENESIS_HASH,
      record_hash: 'a'.repeat(64),
    };
    expect(
      signatureProblem({ ...record, signature: signRecordHash(record.record_hash, signing) }, verifying),
    ).toBeUndefined();
  });

  it('refuses the wrong kind of PEM, missing files, directories and oversized files', () => {
    expect(
      codeOf(() => readEvidenceSigningKey(file('pub-as-private.pem', publicKeyPem(publicKey)), 'Ed25519')),
    ).toBe('evidence_key_invalid');
    expect(
      codeOf(() =>
        readEvidenceVerificationKey(file('private-as-pub.pem', privateKeyPem(privateKey)), 'Ed25519'),
      ),
    ).toBe('evidence_key_invalid');
    expect(codeOf(() => readEvidenceSigningKey(join(dir, 'missing.pem'), 'Ed25519'))).toBe(
      'evidence_key_invalid',
    );
    mkdirSync(join(dir, 'a-directory'));
    expect(codeOf(() => readEvidenceVerificationKey(join(dir, 'a-directory'), 'HMAC-SHA256'))).toBe(
      'evidence_key_invalid',
    );
    expect(
      codeOf(() => readEvidenceSigningKey(file('huge.key', Buffer.alloc(65 * 1024, 0x61)), 'HMAC-SHA256')),
    ).toBe('evidence_key_invalid');
  });

  it('takes an HMAC secret without trailing whitespace, and at least 16 bytes of it', () => {
    expect(hmacSecretFrom(Buffer.from('0123456789abcdef \r\n\t\n')).toString()).toBe('0123456789abcdef');
    expect(hmacSecretFrom(Buffer.from(' 0123456789abcdef')).toString()).toBe(' 0123456789abcdef');
    expect(codeOf(() => hmacSecretFrom(Buffer.from('0123456789abcde\n')))).toBe('evidence_key_invalid');
    const fromFile = readEvidenceSigningKey(file('hmac.key', '0123456789abcdef\n'), 'HMAC-SHA256');
    expect(fromFile).toEqual({ algorithm: 'HMAC-SHA256', secret: Buffer.from('0123456789abcdef') });
  });
});
