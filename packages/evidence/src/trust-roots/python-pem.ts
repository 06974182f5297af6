import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { PyValueError, pythonCrash } from './python-compat.js';

const PEM_FAQ =
  'Unable to load PEM file. See https://cryptography.io/en/latest/faq/#why-can-t-i-import-my-pem-file for more details.';
const PEM_BLOCK = /-----BEGIN ([^\r\n-]*)-----\r?\n([\s\S]*?)-----END \1-----/g;
const BASE64_CHAR = /[A-Za-z0-9+/=]/;

/**
 * `serialization.load_pem_public_key(pem)` as cryptography 48 answers it: text before the block,
 * CRLF and a missing final newline are fine; no PEM block is `MalformedFraming`, a bad base64
 * byte is `InvalidData(InvalidByte(i, b))`, a private key block is refused. Each is a handled
 * `PyValueError` whose text becomes a verification error line.
 */
export function loadPythonPemPublicKey(pem: string | Uint8Array): KeyObject {
  const text = typeof pem === 'string' ? pem : Buffer.from(pem).toString('latin1');
  const blocks = [...text.matchAll(PEM_BLOCK)];
  if (blocks.length === 0) throw new PyValueError(`${PEM_FAQ} MalformedFraming`);
  const block = blocks.find((b) => b[1] === 'PUBLIC KEY');
  if (!block) {
    throw new PyValueError(
      'Valid PEM but no BEGIN PUBLIC KEY/END PUBLIC KEY delimiters. Are you sure this is a public key?',
    );
  }
  const body = (block[2] ?? '').replace(/[\r\n]/g, '');
  for (let i = 0; i < body.length; i++) {
    if (!BASE64_CHAR.test(body[i] as string)) {
      throw new PyValueError(`${PEM_FAQ} InvalidData(InvalidByte(${i}, ${body.charCodeAt(i)}))`);
    }
  }
  try {
    return createPublicKey({ key: Buffer.from(body, 'base64'), format: 'der', type: 'spki' });
  } catch (error) {
    throw new PyValueError(
      `Could not deserialize key data. The data may be in an incorrect format, it may be encrypted with an unsupported algorithm, or it may be an unsupported key type (e.g. EC curves with explicit parameters). Details: ${(error as Error).message}`,
    );
  }
}

const PY_PUBLIC_KEY_CLASS: Record<string, string> = {
  rsa: 'RSAPublicKey',
  'rsa-pss': 'RSAPublicKey',
  ec: 'EllipticCurvePublicKey',
  dsa: 'DSAPublicKey',
};

/**
 * `public_key.verify(signature, data)` for an evidence manifest: true when it is a valid Ed25519
 * signature (any other length, or a wrong signature, is false: Python's `InvalidSignature`).
 * Python never checks the key type: an RSA or EC key crashes with a `TypeError`; here that is a
 * typed crash error (exit 1), never a verdict.
 */
export function pythonEd25519Verify(key: KeyObject, signature: Uint8Array, data: Uint8Array): boolean {
  if (key.asymmetricKeyType !== 'ed25519') {
    const cls = PY_PUBLIC_KEY_CLASS[key.asymmetricKeyType ?? ''];
    const line =
      cls === 'RSAPublicKey'
        ? `TypeError: ${cls}.verify() missing 2 required positional arguments: 'padding' and 'algorithm'`
        : cls
          ? `TypeError: ${cls}.verify() missing 1 required positional argument: 'signature_algorithm'`
          : `TypeError: ${key.asymmetricKeyType ?? 'unknown'} public key cannot verify an Ed25519 signature`;
    throw pythonCrash(
      line,
      `the trusted public key is a ${key.asymmetricKeyType ?? 'non-Ed25519'} key, not Ed25519`,
    );
  }
  if (signature.length !== 64) return false;
  return verify(null, data, key, signature);
}
