import { CavraError } from '@cavra/policy-model';
import { readRegularFile } from '@cavra/policy-model/node';
import { isSigningError } from '../signing/errors.js';
import { loadPrivateKey, loadPublicKey } from '../signing/ed25519.js';
import type { EvidenceSigningKey, EvidenceVerificationKey } from './record.js';

/** Key files are small; anything bigger is not a key. */
const MAX_KEY_FILE_BYTES = 64 * 1024;
/** An HMAC secret shorter than this is refused (brute-forceable). */
export const MIN_HMAC_SECRET_BYTES = 16;

function readKeyFile(path: string, what: string): Buffer {
  try {
    return readRegularFile(path, MAX_KEY_FILE_BYTES);
  } catch (error) {
    throw new CavraError('evidence_key_invalid', `cannot read ${what} ${path}: ${(error as Error).message}`);
  }
}

/**
 * An HMAC secret file: its bytes, without trailing ASCII whitespace (so `echo secret > file`
 * and `printf secret > file` give the same key). At least 16 bytes.
 */
export function hmacSecretFrom(bytes: Uint8Array, path = 'HMAC key'): Buffer {
  let end = bytes.length;
  while (end > 0 && [0x20, 0x09, 0x0a, 0x0d].includes(bytes[end - 1] as number)) end--;
  if (end < MIN_HMAC_SECRET_BYTES) {
    throw new CavraError(
      'evidence_key_invalid',
      `${path}: an HMAC key needs at least ${MIN_HMAC_SECRET_BYTES} bytes`,
    );
  }
  return Buffer.from(bytes.subarray(0, end));
}

/** Reads a signing key file: an unencrypted PKCS#8 PEM Ed25519 private key, or an HMAC secret. */
export function readEvidenceSigningKey(
  path: string,
  algorithm: 'Ed25519' | 'HMAC-SHA256',
): EvidenceSigningKey {
  const bytes = readKeyFile(path, algorithm === 'Ed25519' ? 'signing key' : 'HMAC key');
  if (algorithm === 'HMAC-SHA256') return { algorithm, secret: hmacSecretFrom(bytes, path) };
  try {
    return { algorithm, privateKey: loadPrivateKey(bytes) };
  } catch (error) {
    if (isSigningError(error)) throw new CavraError('evidence_key_invalid', `${path}: ${error.message}`);
    throw error;
  }
}

/** Reads a verification key file: an SPKI PEM Ed25519 public key, or the HMAC secret. */
export function readEvidenceVerificationKey(
  path: string,
  algorithm: 'Ed25519' | 'HMAC-SHA256',
): EvidenceVerificationKey {
  const bytes = readKeyFile(path, algorithm === 'Ed25519' ? 'public key' : 'HMAC key');
  if (algorithm === 'HMAC-SHA256') return { algorithm, secret: hmacSecretFrom(bytes, path) };
  try {
    return { algorithm, publicKey: loadPublicKey(bytes) };
  } catch (error) {
    if (isSigningError(error)) throw new CavraError('evidence_key_invalid', `${path}: ${error.message}`);
    throw error;
  }
}
