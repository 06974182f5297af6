import { createHash } from 'node:crypto';
import {
  isPyDict,
  isPyList,
  pyEquals,
  pyQualifiedTypeName,
  pyStrRepr,
  pyTruthy,
  type PyDict,
  type PyValue,
} from '@cavra/policy-model';
import { sha256Hex } from '../signing/ed25519.js';
import { canonicalSigningInput, hmacSignatureValue } from './manifest.js';
import {
  PyValueError,
  attributeCrash,
  crashFromOsError,
  PyOsError,
  pythonCrash,
  pythonJoin,
  readPythonJson,
} from './python-compat.js';
import { PyBase64Error, pyB64decode } from './python-base64.js';
import { loadPythonPemPublicKey, pythonEd25519Verify } from './python-pem.js';
import { TRUST_ROOT_BUNDLE_SCHEMA } from './trust-root.js';

/** The file access verification needs; I/O stays with the caller. `read` throws `PyOsError`. */
export interface EvidenceReader {
  /** `Path.exists()`: true for files and directories. */
  exists(path: string): boolean;
  read(path: string): Uint8Array;
}

export interface EvidenceVerifyOptions {
  /** HMAC key (`--key`); used when truthy. */
  key?: string | undefined;
  /** `--public-key PATH`, as printed by `str(Path(arg))` (a `Path` is always truthy: `""` is `.`). */
  publicKey?: string | undefined;
  /** `--trust-root PATH`: a single trust root or a trust-root bundle. */
  trustRoot?: string | undefined;
  keyId?: string | undefined;
  minimumRetentionDays?: bigint | undefined;
}

export interface EvidenceVerdict {
  ok: boolean;
  /** Python's messages, in Python's order: files, then the signature, then retention. */
  errors: string[];
}

/** `signature.get(name)`; a signature that is not a dict (`null`) crashes as in Python. */
const sigGet = (signature: PyValue, name: string): PyValue => {
  if (!isPyDict(signature)) throw attributeCrash(signature, 'get');
  return signature.get(name) ?? null;
};
/** `signature.get("value", "")`. */
const signatureValue = (signature: PyValue): PyValue => {
  if (!isPyDict(signature)) throw attributeCrash(signature, 'get');
  return signature.has('value') ? (signature.get('value') ?? null) : '';
};
const rootGet = (root: PyValue, name: string): PyValue => {
  if (!isPyDict(root)) throw attributeCrash(root, 'get');
  return root.get(name) ?? null;
};

/** Python's iteration over a JSON value in a `for` loop (list items, dict keys, string characters). */
function pyIterate(value: PyValue): PyValue[] {
  if (isPyList(value)) return value;
  if (isPyDict(value)) return [...value.keys()];
  if (typeof value === 'string') return [...value];
  throw pythonCrash(
    `TypeError: '${pyQualifiedTypeName(value)}' object is not iterable`,
    'a list was expected',
  );
}

const readOrCrash = (reader: EvidenceReader, path: string): Uint8Array => {
  try {
    return reader.read(path);
  } catch (error) {
    if (error instanceof PyOsError) throw crashFromOsError(error);
    throw error;
  }
};

/** `json.loads(read_text())` where Python lets every error propagate (a crash, exit 1). */
const jsonOrCrash = (reader: EvidenceReader, path: string): PyValue => {
  try {
    return readPythonJson((p) => readOrCrash(reader, p), path);
  } catch (error) {
    if (error instanceof PyValueError)
      throw pythonCrash(`json.decoder.JSONDecodeError: ${error.message}`, `${path}: ${error.message}`);
    throw error;
  }
};

/** `base64.b64decode(value)`; a non-string value is Python's TypeError crash. */
function signatureBytes(value: PyValue): Uint8Array {
  if (typeof value !== 'string') {
    throw pythonCrash(
      `TypeError: argument should be a bytes-like object or ASCII string, not '${pyQualifiedTypeName(value)}'`,
      'signature value is not a string',
    );
  }
  try {
    return pyB64decode(value);
  } catch (error) {
    if (error instanceof PyBase64Error) throw new PyValueError(error.message);
    throw error;
  }
}

function checkEd25519(pem: PyValue, signature: PyValue, canonical: Uint8Array): void {
  if (typeof pem !== 'string') throw attributeCrash(pem, 'encode');
  const key = loadPythonPemPublicKey(Buffer.from(pem, 'utf8'));
  const bytes = signatureBytes(signatureValue(signature));
  if (!pythonEd25519Verify(key, bytes, canonical)) throw new PyValueError('manifest signature mismatch');
}

function verifyWithPublicKey(
  reader: EvidenceReader,
  path: string,
  keyId: string | undefined,
  signature: PyValue,
  canonical: Uint8Array,
): void {
  if (!pyEquals(sigGet(signature, 'algorithm'), 'Ed25519'))
    throw new PyValueError('manifest signature algorithm is not Ed25519');
  const pemBytes = readOrCrash(reader, path);
  if (!pyEquals(sigGet(signature, 'public_key_sha256'), sha256Hex(pemBytes))) {
    throw new PyValueError('manifest public key fingerprint mismatch');
  }
  if (keyId && !pyEquals(sigGet(signature, 'key_id'), keyId))
    throw new PyValueError('manifest key ID mismatch');
  const key = loadPythonPemPublicKey(pemBytes);
  const bytes = signatureBytes(signatureValue(signature));
  if (!pythonEd25519Verify(key, bytes, canonical)) throw new PyValueError('manifest signature mismatch');
}

/**
 * `_verify_manifest_trust_root`: a bundle is searched in order for the root whose key id (the
 * expected one, else the signature's) and fingerprint match the signature; then the root must be
 * exactly `active`, the key ids and fingerprints must agree, and the PEM must verify. Validity
 * windows and the root's own schema/algorithm labels are not looked at (Python's rules).
 */
function verifyWithTrustRoot(
  reader: EvidenceReader,
  path: string,
  keyId: string | undefined,
  signature: PyValue,
  canonical: Uint8Array,
): void {
  let root: PyValue = readPythonJson((p) => readOrCrash(reader, p), path);
  if (pyEquals(rootGet(root, 'schema_version'), TRUST_ROOT_BUNDLE_SCHEMA)) {
    const expected: PyValue = keyId ? keyId : sigGet(signature, 'key_id');
    const candidates =
      isPyDict(root) && root.has('trust_roots') ? pyIterate(root.get('trust_roots') ?? null) : [];
    let found: PyValue | undefined;
    for (const candidate of candidates) {
      if (pyTruthy(expected) && !pyEquals(rootGet(candidate, 'key_id'), expected)) continue;
      if (pyEquals(sigGet(signature, 'public_key_sha256'), rootGet(candidate, 'public_key_sha256'))) {
        found = candidate;
        break;
      }
    }
    if (found === undefined) throw new PyValueError('matching trust root not found');
    root = found;
  }
  if (!pyEquals(rootGet(root, 'status'), 'active')) throw new PyValueError('trust root is not active');
  const expected: PyValue = keyId ? keyId : rootGet(root, 'key_id');
  if (pyTruthy(expected) && !pyEquals(sigGet(signature, 'key_id'), expected))
    throw new PyValueError('manifest key ID mismatch');
  if (!pyEquals(sigGet(signature, 'public_key_sha256'), rootGet(root, 'public_key_sha256'))) {
    throw new PyValueError('manifest public key fingerprint mismatch');
  }
  const dict = root as PyDict;
  if (!dict.has('public_key_pem'))
    throw pythonCrash("KeyError: 'public_key_pem'", 'the trust root has no public_key_pem');
  checkEd25519(dict.get('public_key_pem') ?? null, signature, canonical);
}

/** Python's `<` between a JSON value and an int, for the retention check. */
function lessThan(value: PyValue, minimum: bigint): boolean {
  if (typeof value === 'boolean') return (value ? 1n : 0n) < minimum;
  if (typeof value === 'bigint') return value < minimum;
  if (typeof value === 'number') return Number.isNaN(value) ? false : value < Number(minimum);
  throw pythonCrash(
    `TypeError: '<' not supported between instances of '${pyQualifiedTypeName(value)}' and 'int'`,
    'retention_days is not a number',
  );
}

/**
 * `verify_evidence_bundle`, step for step: manifest present, each listed file present and
 * matching, then one signature mode (`key` > `publicKey` > `trustRoot` > a `SHA256` digest; with
 * none of them an Ed25519 manifest is not checked at all, as in Python), then retention. Verdicts
 * and messages are Python's; inputs Python crashes on throw a typed `CavraError` (exit 1).
 */
export function verifyEvidenceBundle(
  reader: EvidenceReader,
  bundleDir: string,
  options: EvidenceVerifyOptions = {},
): EvidenceVerdict {
  const manifestPath = pythonJoin(bundleDir, 'manifest.json');
  if (!reader.exists(manifestPath)) return { ok: false, errors: [`missing manifest: ${manifestPath}`] };
  const manifest = jsonOrCrash(reader, manifestPath);
  if (!isPyDict(manifest)) throw attributeCrash(manifest, 'get');
  const errors: string[] = [];
  for (const entry of manifest.has('files') ? pyIterate(manifest.get('files') ?? null) : []) {
    if (!isPyDict(entry)) {
      throw pythonCrash(
        `TypeError: ${pyQualifiedTypeName(entry) === 'str' ? "string indices must be integers, not 'str'" : `'${pyQualifiedTypeName(entry)}' object is not subscriptable`}`,
        'a manifest file entry is not an object',
      );
    }
    if (!entry.has('path')) throw pythonCrash("KeyError: 'path'", 'a manifest file entry has no path');
    const name = entry.get('path') ?? null;
    if (typeof name !== 'string') {
      throw pythonCrash(
        `TypeError: unsupported operand type(s) for /: 'PosixPath' and '${pyQualifiedTypeName(name)}'`,
        'a manifest file path is not a string',
      );
    }
    const path = name.startsWith('/') ? name : pythonJoin(bundleDir, name);
    if (!reader.exists(path)) {
      errors.push(`missing file: ${name}`);
      continue;
    }
    const digest = createHash('sha256').update(readOrCrash(reader, path)).digest('hex');
    if (!entry.has('sha256'))
      throw pythonCrash("KeyError: 'sha256'", `the manifest entry for ${pyStrRepr(name)} has no sha256`);
    if (!pyEquals(digest, entry.get('sha256') ?? null)) errors.push(`checksum mismatch: ${name}`);
  }
  const signature: PyValue = manifest.has('signature') ? (manifest.get('signature') ?? null) : new Map();
  const canonical = canonicalSigningInput(manifest);
  const keyId = options.keyId ? options.keyId : undefined;
  try {
    if (options.key) {
      if (!pyEquals(sigGet(signature, 'value'), hmacSignatureValue(options.key, canonical)))
        errors.push('manifest signature mismatch');
    } else if (options.publicKey !== undefined) {
      verifyWithPublicKey(reader, options.publicKey, keyId, signature, canonical);
    } else if (options.trustRoot !== undefined) {
      verifyWithTrustRoot(reader, options.trustRoot, keyId, signature, canonical);
    } else if (pyEquals(sigGet(signature, 'algorithm'), 'SHA256')) {
      if (!pyEquals(sigGet(signature, 'value'), sha256Hex(canonical)))
        errors.push('manifest digest mismatch');
    }
  } catch (error) {
    if (!(error instanceof PyValueError)) throw error;
    errors.push(error.message);
  }
  if (options.minimumRetentionDays !== undefined) {
    const retentionPath = pythonJoin(bundleDir, 'retention-policy.json');
    if (!reader.exists(retentionPath)) errors.push('missing retention policy');
    else {
      const policy = jsonOrCrash(reader, retentionPath);
      const days = isPyDict(policy)
        ? policy.has('retention_days')
          ? (policy.get('retention_days') ?? null)
          : 0n
        : rootGet(policy, 'retention_days');
      if (lessThan(days, options.minimumRetentionDays)) errors.push('retention policy below minimum');
    }
  }
  return { ok: errors.length === 0, errors };
}
