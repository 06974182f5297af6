import { createHmac, createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';
import { type PyDict, type PyValue } from '@cavra/policy-model';
import { sha256Hex } from '../signing/ed25519.js';
import { PyValueError, pythonCanonicalJson, pythonCrash } from './python-compat.js';

export const EVIDENCE_BUNDLE_SCHEMA = 'cavra.evidence.bundle.v1';

/** One content file of an evidence bundle, as the manifest lists it. */
export interface ManifestFile {
  path: string;
  bytes: Uint8Array;
}

/**
 * The bytes every evidence-manifest signature covers: the manifest without `signature`, as
 * `json.dumps(…, sort_keys=True)` writes it (one line, `", "`/`": "`, ASCII escapes, code-point
 * key order), UTF-8. Taken from the parsed values, not the file's bytes, so a re-formatted
 * manifest still verifies.
 */
export function canonicalSigningInput(manifest: PyDict): Buffer {
  const unsigned = new Map([...manifest].filter(([key]) => key !== 'signature'));
  return Buffer.from(pythonCanonicalJson(unsigned), 'utf8');
}

/** The PEM the Ed25519 signature's fingerprint is taken over: the public key re-serialised as SPKI PEM (113 bytes, LF). */
export const canonicalPublicKeyPem = (key: KeyObject): string =>
  createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();

const CRYPTOGRAPHY_DESERIALIZE =
  'Could not deserialize key data. The data may be in an incorrect format, it may be encrypted with an unsupported algorithm, or it may be an unsupported key type (e.g. EC curves with explicit parameters).';

/**
 * `load_pem_private_key(bytes, password=None)` as the manifest signer uses it: undecodable data is
 * a handled `PyValueError` (cryptography's text; the detail after "Details:" is Node's, not
 * OpenSSL/Rust's); a key that is not Ed25519 loads, and signing with it crashes as Python does.
 */
export function loadManifestPrivateKey(pem: Uint8Array): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: Buffer.from(pem), format: 'pem' });
  } catch (error) {
    throw new PyValueError(`${CRYPTOGRAPHY_DESERIALIZE} Details: ${(error as Error).message}`);
  }
  return key;
}

const PY_KEY_CLASS: Record<string, string> = {
  rsa: 'RSAPrivateKey',
  'rsa-pss': 'RSAPrivateKey',
  ec: 'EllipticCurvePrivateKey',
  dsa: 'DSAPrivateKey',
  ed448: 'Ed448PrivateKey',
  x25519: 'X25519PrivateKey',
  x448: 'X448PrivateKey',
};

export interface ManifestSigning {
  signer?: string | undefined;
  /** HMAC key (`--key`); truthy only. */
  hmacKey?: string | undefined;
  /** Ed25519 private key (`--private-key`), loaded with `loadManifestPrivateKey`. */
  privateKey?: KeyObject | undefined;
  keyId?: string | undefined;
  createdAt: string;
}

/** Base64 with the standard alphabet and padding (Python `base64.b64encode(...).decode()`). */
const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

/** `HMAC-SHA256(key.encode("utf-8"), canonical)`, base64: the `HS256` signature value. */
export const hmacSignatureValue = (key: string, canonical: Uint8Array): string =>
  b64(createHmac('sha256', Buffer.from(key, 'utf8')).update(canonical).digest());

/**
 * `build_manifest`: the unsigned payload over the files (path, SHA-256, size, in order), then its
 * `signature`: Ed25519 (`key_id`, `public_key_sha256` of the canonical PEM, base64 value), HMAC
 * (`HS256`) or a bare SHA-256 digest. Both keys at once is Python's `ValueError`.
 */
export function buildEvidenceManifest(files: readonly ManifestFile[], signing: ManifestSigning): PyDict {
  const payload: PyDict = new Map<PyValue, PyValue>([
    ['schema_version', EVIDENCE_BUNDLE_SCHEMA],
    ['product', 'CAVRA'],
    ['created_at', signing.createdAt],
    ['signer', signing.signer ?? 'local'],
    [
      'files',
      files.map(
        (file) =>
          new Map<PyValue, PyValue>([
            ['path', file.path],
            ['sha256', sha256Hex(file.bytes)],
            ['bytes', BigInt(file.bytes.length)],
          ]),
      ),
    ],
  ]);
  return signEvidenceManifest(payload, signing);
}

/** Adds (or replaces) `signature` on a manifest payload; the oracle's `x-sign-manifest` is this over any payload. */
export function signEvidenceManifest(
  payload: PyDict,
  signing: Omit<ManifestSigning, 'createdAt' | 'signer'>,
): PyDict {
  if (signing.hmacKey && signing.privateKey)
    throw new PyValueError('Use either HMAC key or private key, not both.');
  const canonical = canonicalSigningInput(payload);
  let signature: PyDict;
  if (signing.privateKey) {
    const key = signing.privateKey;
    if (key.asymmetricKeyType !== 'ed25519') {
      const cls = PY_KEY_CLASS[key.asymmetricKeyType ?? ''] ?? 'PrivateKey';
      const missing =
        cls === 'RSAPrivateKey'
          ? "missing 2 required positional arguments: 'padding' and 'algorithm'"
          : "missing 1 required positional argument: 'signature_algorithm'";
      throw pythonCrash(
        `TypeError: ${cls}.sign() ${missing}`,
        `the private key is ${key.asymmetricKeyType ?? 'not'} an Ed25519 key`,
      );
    }
    const fingerprint = sha256Hex(Buffer.from(canonicalPublicKeyPem(key), 'utf8'));
    signature = new Map<PyValue, PyValue>([
      ['algorithm', 'Ed25519'],
      ['key_id', signing.keyId ? signing.keyId : fingerprint.slice(0, 16)],
      ['value', b64(sign(null, canonical, key))],
      ['public_key_sha256', fingerprint],
    ]);
  } else if (signing.hmacKey) {
    signature = new Map<PyValue, PyValue>([
      ['algorithm', 'HS256'],
      ['value', hmacSignatureValue(signing.hmacKey, canonical)],
    ]);
  } else {
    signature = new Map<PyValue, PyValue>([
      ['algorithm', 'SHA256'],
      ['value', sha256Hex(canonical)],
    ]);
  }
  const signed = new Map(payload);
  signed.set('signature', signature);
  return signed;
}
