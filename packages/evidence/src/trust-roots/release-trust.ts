import type { KeyObject } from 'node:crypto';
import { CavraError, isPyDict, isPyList, pyStr, type PyValue } from '@cavra/policy-model';
import { parseIsoInstant } from '../clock.js';
import { keyFingerprint, loadPublicKey, sha256Hex } from '../signing/ed25519.js';
import { isSigningError } from '../signing/errors.js';
import { TRUST_ROOT_BUNDLE_SCHEMA } from './trust-root.js';

/** One trust root usable for release verification. */
export interface ReleaseTrustRoot {
  keyId: string;
  status: string;
  publicKey: KeyObject;
  /** SHA-256 of the key's DER SPKI: what release `.sig.json` documents carry as `public_key_sha256`. */
  derSha256: string;
  validFrom: string | null;
  validUntil: string | null;
}

export type TrustRootSelection =
  | { ok: true; root: ReleaseTrustRoot }
  | {
      ok: false;
      code: 'signer_not_trusted' | 'trust_root_not_active' | 'trust_root_not_valid';
      message: string;
    };

const text = (value: PyValue | undefined): string | null => (typeof value === 'string' ? value : null);

/**
 * The roots of a trust-root document (a single `cavra.evidence.trust-root.v1` root or a
 * `…trust-root-bundle.v1`), each with its Ed25519 key. A root whose `public_key_sha256` is not
 * the SHA-256 of its PEM text, or whose PEM is not an Ed25519 public key, makes the document
 * unusable (`input_unreadable`): a trust anchor that does not hold together is not trusted.
 */
export function releaseTrustRoots(document: PyValue, source: string): ReleaseTrustRoot[] {
  const fail = (why: string): never => {
    throw new CavraError('input_unreadable', `${source}: ${why}`);
  };
  if (!isPyDict(document)) return fail('not a trust root or trust-root bundle (not a JSON object)');
  const list =
    document.get('schema_version') === TRUST_ROOT_BUNDLE_SCHEMA ? document.get('trust_roots') : [document];
  if (!isPyList(list)) return fail('trust_roots is not a list');
  return list.map((root, index) => {
    if (!isPyDict(root)) return fail(`trust root ${index} is not an object`);
    const keyId = root.get('key_id');
    const pem = root.get('public_key_pem');
    if (typeof keyId !== 'string' || keyId === '') return fail(`trust root ${index} has no key_id`);
    if (typeof pem !== 'string') return fail(`trust root ${keyId} has no public_key_pem`);
    if (root.get('public_key_sha256') !== sha256Hex(Buffer.from(pem, 'utf8'))) {
      return fail(`trust root ${keyId}: public_key_sha256 is not the SHA-256 of its public_key_pem`);
    }
    let publicKey: KeyObject;
    try {
      publicKey = loadPublicKey(pem);
    } catch (error) {
      if (!isSigningError(error)) throw error;
      return fail(`trust root ${keyId}: ${error.message}`);
    }
    return {
      keyId,
      status: pyStr(root.get('status') ?? null),
      publicKey,
      derSha256: keyFingerprint(publicKey).publicKeySha256,
      validFrom: text(root.get('valid_from')),
      validUntil: text(root.get('valid_until')),
    };
  });
}

/**
 * The root whose key signed a release (found by the signatures' key fingerprint). Like Python's
 * evidence verification, only a root whose status is exactly `active` is accepted: retired and
 * revoked keys are refused. Python never looks at `valid_from`/`valid_until`; with
 * `strictValidity` the window must also contain `nowMicros` (a missing bound is open, an
 * unparsable one refuses).
 */
export function selectReleaseSigner(
  roots: readonly ReleaseTrustRoot[],
  signerDerSha256: string | undefined,
  options: { strictValidity?: boolean; nowMicros?: number } = {},
): TrustRootSelection {
  const root = roots.find((candidate) => candidate.derSha256 === signerDerSha256);
  if (!root) {
    return {
      ok: false,
      code: 'signer_not_trusted',
      message: `the release is signed by key ${signerDerSha256?.slice(0, 16) ?? '(unknown)'}, which is in no trust root given`,
    };
  }
  if (root.status !== 'active') {
    return {
      ok: false,
      code: 'trust_root_not_active',
      message: `trust root ${root.keyId} is ${root.status}, not active`,
    };
  }
  if (options.strictValidity) {
    const now = options.nowMicros ?? Date.now() * 1000;
    const from = root.validFrom === null ? undefined : parseIsoInstant(root.validFrom);
    const until = root.validUntil === null ? undefined : parseIsoInstant(root.validUntil);
    if (
      (root.validFrom !== null && from === undefined) ||
      (root.validUntil !== null && until === undefined)
    ) {
      return {
        ok: false,
        code: 'trust_root_not_valid',
        message: `trust root ${root.keyId} has an unreadable validity window`,
      };
    }
    if ((from !== undefined && now < from) || (until !== undefined && now > until)) {
      return {
        ok: false,
        code: 'trust_root_not_valid',
        message: `trust root ${root.keyId} is valid from ${root.validFrom ?? '-'} until ${root.validUntil ?? '-'}, not now`,
      };
    }
  }
  return { ok: true, root };
}
