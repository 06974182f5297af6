import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { SigningError } from './errors.js';

/** Version of the `<file>.sig.json` document; bump when its meaning changes. */
export const SIGNATURE_SCHEMA_VERSION = 1;

/**
 * A detached signature document (`<file>.sig.json`). The signature is pure Ed25519 over the
 * file's raw bytes, so it can also be checked with `openssl pkeyutl -verify -rawin`; `digest`
 * is the SHA-256 of the same bytes, for humans and for early mismatch reports.
 */
export interface DetachedSignature {
  schema_version: typeof SIGNATURE_SCHEMA_VERSION;
  algorithm: 'Ed25519';
  key_id: string;
  public_key_sha256: string;
  /** `sha256:<64 lowercase hex>` */
  digest: string;
  /** base64 of the 64-byte Ed25519 signature */
  signature: string;
  /** The signed file's base name, when known (binds the document to one file). */
  file?: string;
}

export interface KeyFingerprint {
  /** Short id: the first 16 hex digits of `publicKeySha256`. */
  keyId: string;
  /** SHA-256 (hex) of the public key's DER SubjectPublicKeyInfo. */
  publicKeySha256: string;
}

export type SignatureFailureCode = 'wrong_key' | 'digest_mismatch' | 'bad_signature' | 'wrong_file';

export type SignatureCheck = { ok: true } | { ok: false; code: SignatureFailureCode; message: string };

const HEX64 = /^[0-9a-f]{64}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

const pemText = (pem: string | Uint8Array): string =>
  typeof pem === 'string' ? pem : Buffer.from(pem).toString('utf8');

const requireEd25519 = (key: KeyObject, what: string): KeyObject => {
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new SigningError(
      'not_ed25519',
      `${what} is a ${key.asymmetricKeyType ?? 'symmetric'} key, not Ed25519`,
    );
  }
  return key;
};

/** Loads an unencrypted PKCS#8 PEM Ed25519 private key (`-----BEGIN PRIVATE KEY-----`). */
export const loadPrivateKey = (pem: string | Uint8Array): KeyObject => {
  const text = pemText(pem);
  // Only PKCS#8: other PEM flavours would be accepted by OpenSSL too, but the release contract names one format.
  if (!text.includes('-----BEGIN PRIVATE KEY-----')) {
    const hint = text.includes('ENCRYPTED PRIVATE KEY') ? ' (encrypted keys are not supported)' : '';
    throw new SigningError(
      'invalid_private_key',
      `signing key is not an unencrypted PKCS#8 PEM private key${hint}`,
    );
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: text, format: 'pem' });
  } catch (error) {
    throw new SigningError(
      'invalid_private_key',
      `signing key cannot be parsed: ${(error as Error).message}`,
    );
  }
  return requireEd25519(key, 'signing key');
};

/** Loads an SPKI PEM Ed25519 public key (`-----BEGIN PUBLIC KEY-----`). */
export const loadPublicKey = (pem: string | Uint8Array): KeyObject => {
  const text = pemText(pem);
  // A private key would also yield a public key via createPublicKey; refuse it so secrets are never passed around as "public".
  if (!text.includes('-----BEGIN PUBLIC KEY-----') || text.includes('PRIVATE KEY')) {
    throw new SigningError(
      'invalid_public_key',
      'public key is not an SPKI PEM public key (-----BEGIN PUBLIC KEY-----)',
    );
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: text, format: 'pem' });
  } catch (error) {
    throw new SigningError('invalid_public_key', `public key cannot be parsed: ${(error as Error).message}`);
  }
  return requireEd25519(key, 'public key');
};

export const generateSigningKeyPair = (): { privateKey: KeyObject; publicKey: KeyObject } =>
  generateKeyPairSync('ed25519');

export const publicKeyOf = (privateKey: KeyObject): KeyObject => createPublicKey(privateKey);

export const publicKeyPem = (publicKey: KeyObject): string =>
  publicKey.export({ type: 'spki', format: 'pem' }).toString();

export const privateKeyPem = (privateKey: KeyObject): string =>
  privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

/** Fingerprint over the DER SPKI bytes, so the same key gives the same id whatever its PEM line wrapping. */
export const keyFingerprint = (publicKey: KeyObject): KeyFingerprint => {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  const publicKeySha256 = sha256Hex(der);
  return { keyId: publicKeySha256.slice(0, 16), publicKeySha256 };
};

/** Signs `bytes` and returns the detached signature document. */
export const signDetached = (bytes: Uint8Array, privateKey: KeyObject, file?: string): DetachedSignature => {
  requireEd25519(privateKey, 'signing key');
  const { keyId, publicKeySha256 } = keyFingerprint(publicKeyOf(privateKey));
  return {
    schema_version: SIGNATURE_SCHEMA_VERSION,
    algorithm: 'Ed25519',
    key_id: keyId,
    public_key_sha256: publicKeySha256,
    digest: `sha256:${sha256Hex(bytes)}`,
    signature: sign(null, bytes, privateKey).toString('base64'),
    ...(file === undefined ? {} : { file }),
  };
};

/** The `.sig.json` text: 2-space JSON and a trailing newline. */
export const serializeSignature = (signature: DetachedSignature): string =>
  `${JSON.stringify(signature, null, 2)}\n`;

/** Parses and shape-checks a `.sig.json` document; throws `SigningError('invalid_signature_document')`. */
export const parseDetachedSignature = (text: string | Uint8Array): DetachedSignature => {
  const fail = (why: string): never => {
    throw new SigningError('invalid_signature_document', `signature document ${why}`);
  };
  let value: unknown;
  try {
    value = JSON.parse(pemText(text));
  } catch {
    return fail('is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return fail('is not a JSON object');
  const doc = value as Record<string, unknown>;
  if (doc.schema_version !== SIGNATURE_SCHEMA_VERSION)
    fail(`has schema_version ${JSON.stringify(doc.schema_version)}, expected ${SIGNATURE_SCHEMA_VERSION}`);
  if (doc.algorithm !== 'Ed25519') fail(`has algorithm ${JSON.stringify(doc.algorithm)}, expected "Ed25519"`);
  if (typeof doc.key_id !== 'string' || doc.key_id === '') fail('has no key_id');
  if (typeof doc.public_key_sha256 !== 'string' || !HEX64.test(doc.public_key_sha256))
    fail('has no valid public_key_sha256');
  if (
    typeof doc.digest !== 'string' ||
    !doc.digest.startsWith('sha256:') ||
    !HEX64.test(doc.digest.slice(7))
  ) {
    fail('has no valid digest ("sha256:<64 hex>")');
  }
  if (
    typeof doc.signature !== 'string' ||
    !BASE64.test(doc.signature) ||
    Buffer.from(doc.signature, 'base64').length !== 64
  ) {
    fail('has no valid signature (base64 of 64 bytes)');
  }
  if (doc.file !== undefined && typeof doc.file !== 'string') fail('has a non-string file');
  return doc as unknown as DetachedSignature;
};

/**
 * Checks a detached signature over `bytes` with `publicKey`: the document must name this key,
 * carry this content's digest (and file name, when `file` is given) and the signature must verify.
 */
export const verifyDetached = (
  bytes: Uint8Array,
  signature: DetachedSignature,
  publicKey: KeyObject,
  file?: string,
): SignatureCheck => {
  requireEd25519(publicKey, 'public key');
  const expected = keyFingerprint(publicKey);
  if (signature.public_key_sha256 !== expected.publicKeySha256) {
    return {
      ok: false,
      code: 'wrong_key',
      message: `signed by key ${signature.key_id} (public_key_sha256 ${signature.public_key_sha256}), expected key ${expected.keyId}`,
    };
  }
  if (file !== undefined && signature.file !== undefined && signature.file !== file) {
    return {
      ok: false,
      code: 'wrong_file',
      message: `signature is for ${JSON.stringify(signature.file)}, not ${JSON.stringify(file)}`,
    };
  }
  const digest = `sha256:${sha256Hex(bytes)}`;
  if (signature.digest !== digest) {
    return {
      ok: false,
      code: 'digest_mismatch',
      message: `signature covers ${signature.digest}, file is ${digest}`,
    };
  }
  // Digest and key match, so only the signature bytes themselves can be wrong now.
  if (!verify(null, bytes, publicKey, Buffer.from(signature.signature, 'base64'))) {
    return { ok: false, code: 'bad_signature', message: 'Ed25519 signature does not verify' };
  }
  return { ok: true };
};
