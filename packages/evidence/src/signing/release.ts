import type { KeyObject } from 'node:crypto';
import { formatChecksums, isSafeReleaseFileName, parseChecksums } from './checksums.js';
import {
  keyFingerprint,
  loadPublicKey,
  parseDetachedSignature,
  publicKeyOf,
  publicKeyPem,
  serializeSignature,
  sha256Hex,
  signDetached,
  verifyDetached,
  type SignatureFailureCode,
} from './ed25519.js';
import { SigningError, isSigningError } from './errors.js';

/** The fixed names in a release directory; everything else (but signatures) is an artifact. */
export const RELEASE_FILES = {
  checksums: 'checksums.txt',
  sbom: 'sbom.spdx.json',
  evidence: 'release-evidence.json',
  publicKey: 'signing-key.pub.pem',
} as const;
export const SIGNATURE_SUFFIX = '.sig.json';

/** The files that are signed but are not artifacts. */
export const RELEASE_METADATA_FILES: readonly string[] = [
  RELEASE_FILES.checksums,
  RELEASE_FILES.sbom,
  RELEASE_FILES.evidence,
];

export type ReleaseProblemCode =
  | 'checksums_missing'
  | 'checksums_invalid'
  | 'file_missing'
  | 'checksum_mismatch'
  | 'unlisted_file'
  | 'metadata_missing'
  | 'signature_missing'
  | 'signature_invalid'
  | 'signature_wrong_key'
  | 'signature_wrong_file'
  | 'signature_digest_mismatch'
  | 'signature_bad'
  | 'orphan_signature'
  | 'unexpected_signature'
  | 'signature_key_id_mismatch'
  | 'file_too_large'
  | 'unexpected_entry'
  | 'signer_not_trusted'
  | 'trust_root_not_active'
  | 'trust_root_not_valid'
  | 'sbom_invalid'
  | 'sbom_artifacts_mismatch'
  | 'evidence_invalid'
  | 'evidence_artifacts_mismatch'
  | 'public_key_mismatch';

export interface ReleaseProblem {
  /** The file the problem is about (a name inside the release directory). */
  file: string;
  code: ReleaseProblemCode;
  message: string;
}

export interface ReleaseReport {
  ok: boolean;
  problems: ReleaseProblem[];
  /** Artifacts present (sorted): files that are neither metadata, the public key nor signatures. */
  artifacts: string[];
  /** Files whose signature verified. */
  verifiedSignatures: string[];
  keyId: string;
}

/**
 * Completes a release directory: given the artifacts plus `sbom.spdx.json` and
 * `release-evidence.json`, returns the files to add: `checksums.txt` (every artifact and both
 * documents, sorted by name), one `.sig.json` per artifact and per metadata file, and
 * `signing-key.pub.pem`.
 */
export const signReleaseFiles = (
  files: ReadonlyMap<string, Uint8Array>,
  privateKey: KeyObject,
): Map<string, Uint8Array> => {
  for (const name of files.keys()) {
    if (
      !isSafeReleaseFileName(name) ||
      name === RELEASE_FILES.checksums ||
      name === RELEASE_FILES.publicKey ||
      name.endsWith(SIGNATURE_SUFFIX)
    ) {
      throw new SigningError('invalid_checksums', `${JSON.stringify(name)} cannot be a release input file`);
    }
  }
  for (const required of [RELEASE_FILES.sbom, RELEASE_FILES.evidence]) {
    if (!files.has(required))
      throw new SigningError('invalid_checksums', `${required} is required to sign a release`);
  }
  const names = sorted(files.keys());
  const checksums = formatChecksums(
    names.map((name) => ({ name, sha256: sha256Hex(files.get(name) ?? new Uint8Array()) })),
  );
  const out = new Map<string, Uint8Array>();
  out.set(RELEASE_FILES.checksums, Buffer.from(checksums, 'utf8'));
  for (const name of [...names, RELEASE_FILES.checksums]) {
    const bytes = name === RELEASE_FILES.checksums ? out.get(name) : files.get(name);
    if (bytes === undefined) continue;
    out.set(
      `${name}${SIGNATURE_SUFFIX}`,
      Buffer.from(serializeSignature(signDetached(bytes, privateKey, name)), 'utf8'),
    );
  }
  out.set(RELEASE_FILES.publicKey, Buffer.from(publicKeyPem(publicKeyOf(privateKey)), 'utf8'));
  return out;
};

/** How an artifact is named in an SBOM or evidence document, with the SHA-256 it claims. */
interface ClaimedArtifact {
  name: string;
  sha256: string | undefined;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const parseJsonObject = (bytes: Uint8Array): Record<string, unknown> | undefined => {
  try {
    const value: unknown = JSON.parse(Buffer.from(bytes).toString('utf8'));
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
};

/** SPDX packages that stand for a release file carry `packageFileName`; dependencies do not. */
const sbomArtifacts = (doc: Record<string, unknown>): ClaimedArtifact[] | string => {
  if (doc.spdxVersion !== 'SPDX-2.3')
    return `spdxVersion is ${JSON.stringify(doc.spdxVersion)}, expected "SPDX-2.3"`;
  if (!Array.isArray(doc.packages)) return 'has no packages array';
  const claimed: ClaimedArtifact[] = [];
  for (const pkg of doc.packages as unknown[]) {
    if (!isRecord(pkg) || typeof pkg.packageFileName !== 'string') continue;
    const checksums = Array.isArray(pkg.checksums) ? (pkg.checksums as unknown[]) : [];
    const sha = checksums.find((c): c is Record<string, unknown> => isRecord(c) && c.algorithm === 'SHA256');
    claimed.push({
      name: pkg.packageFileName,
      sha256: typeof sha?.checksumValue === 'string' ? sha.checksumValue : undefined,
    });
  }
  return claimed;
};

const evidenceArtifacts = (doc: Record<string, unknown>): ClaimedArtifact[] | string => {
  if (!Array.isArray(doc.artifacts)) return 'has no artifacts array';
  const claimed: ClaimedArtifact[] = [];
  for (const entry of doc.artifacts as unknown[]) {
    if (!isRecord(entry) || typeof entry.name !== 'string') return 'has an artifact entry without a name';
    claimed.push({ name: entry.name, sha256: typeof entry.sha256 === 'string' ? entry.sha256 : undefined });
  }
  return claimed;
};

const SIGNATURE_PROBLEM: Record<SignatureFailureCode, ReleaseProblemCode> = {
  wrong_key: 'signature_wrong_key',
  wrong_file: 'signature_wrong_file',
  digest_mismatch: 'signature_digest_mismatch',
  bad_signature: 'signature_bad',
};

const sorted = (names: Iterable<string>): string[] => [...names].sort();

/**
 * Verifies a release directory given as a map of base name to bytes, against a trusted public
 * key. Pure: the caller reads the directory. Collects every problem rather than stopping at the
 * first, so one run names everything that is wrong.
 */
export const verifyReleaseFiles = (
  files: ReadonlyMap<string, Uint8Array>,
  publicKey: KeyObject,
): ReleaseReport => {
  const problems: ReleaseProblem[] = [];
  const problem = (file: string, code: ReleaseProblemCode, message: string): void => {
    problems.push({ file, code, message });
  };
  const { keyId, publicKeySha256 } = keyFingerprint(publicKey);
  const digests = new Map<string, string>();
  const digestOf = (name: string, bytes: Uint8Array): string => {
    let digest = digests.get(name);
    if (digest === undefined) {
      digest = sha256Hex(bytes);
      digests.set(name, digest);
    }
    return digest;
  };

  const isMeta = (name: string): boolean =>
    RELEASE_METADATA_FILES.includes(name) ||
    name === RELEASE_FILES.publicKey ||
    name.endsWith(SIGNATURE_SUFFIX);
  const artifacts = sorted([...files.keys()].filter((name) => !isMeta(name)));

  // 1. checksums.txt: every listed file exists and matches; every present file is listed.
  const checksumsBytes = files.get(RELEASE_FILES.checksums);
  const listed = new Set<string>();
  if (checksumsBytes === undefined) {
    problem(RELEASE_FILES.checksums, 'checksums_missing', 'checksums.txt is missing');
  } else {
    try {
      for (const entry of parseChecksums(Buffer.from(checksumsBytes).toString('utf8'))) {
        listed.add(entry.name);
        const bytes = files.get(entry.name);
        if (bytes === undefined) {
          problem(entry.name, 'file_missing', `${entry.name} is listed in checksums.txt but missing`);
        } else if (digestOf(entry.name, bytes) !== entry.sha256) {
          problem(
            entry.name,
            'checksum_mismatch',
            `${entry.name}: sha256 is ${digestOf(entry.name, bytes)}, checksums.txt says ${entry.sha256}`,
          );
        }
      }
    } catch (error) {
      if (!isSigningError(error)) throw error;
      problem(RELEASE_FILES.checksums, 'checksums_invalid', error.message);
    }
    for (const name of [...artifacts, RELEASE_FILES.sbom, RELEASE_FILES.evidence]) {
      if (files.has(name) && !listed.has(name))
        problem(name, 'unlisted_file', `${name} is present but not listed in checksums.txt`);
    }
  }

  // 2. Signatures: every artifact and the three metadata files, and no signature without its file.
  const verifiedSignatures: string[] = [];
  const signed = [...artifacts, ...RELEASE_METADATA_FILES];
  for (const name of signed) {
    const bytes = files.get(name);
    if (bytes === undefined) {
      if (name !== RELEASE_FILES.checksums) problem(name, 'metadata_missing', `${name} is missing`);
      continue;
    }
    const sigName = `${name}${SIGNATURE_SUFFIX}`;
    const sigBytes = files.get(sigName);
    if (sigBytes === undefined) {
      problem(name, 'signature_missing', `${name} has no signature (${sigName} is missing)`);
      continue;
    }
    let check;
    try {
      const signature = parseDetachedSignature(sigBytes);
      check = verifyDetached(bytes, signature, publicKey, name);
      // The key id is part of what the signer asserted; an edited id is an edited signature.
      if (check.ok && signature.key_id !== keyId) {
        problem(
          name,
          'signature_key_id_mismatch',
          `${sigName}: key_id is ${JSON.stringify(signature.key_id)}, the signing key's id is ${keyId}`,
        );
        continue;
      }
    } catch (error) {
      if (!isSigningError(error)) throw error;
      problem(name, 'signature_invalid', `${sigName}: ${error.message}`);
      continue;
    }
    if (check.ok) verifiedSignatures.push(name);
    else problem(name, SIGNATURE_PROBLEM[check.code], `${sigName}: ${check.message}`);
  }
  // Exactly one signature per signed file: any other `.sig.json` (a signature of a signature, of
  // the public key, of a missing file) is refused, so nothing unsigned rides along.
  const expectedSignatures = new Set(signed.map((name) => `${name}${SIGNATURE_SUFFIX}`));
  for (const name of files.keys()) {
    if (!name.endsWith(SIGNATURE_SUFFIX)) continue;
    const target = name.slice(0, -SIGNATURE_SUFFIX.length);
    if (!files.has(target)) problem(name, 'orphan_signature', `${name} signs ${target}, which is missing`);
    else if (!expectedSignatures.has(name)) {
      problem(
        name,
        'unexpected_signature',
        `${name} is not part of a release (only artifacts and metadata files are signed)`,
      );
    }
  }

  // 3. The SBOM and the evidence must name exactly the artifacts present, with their digests.
  const compareClaims = (
    doc: string,
    claims: ClaimedArtifact[] | string,
    invalid: ReleaseProblemCode,
    mismatch: ReleaseProblemCode,
  ): void => {
    if (typeof claims === 'string') {
      problem(doc, invalid, `${doc} ${claims}`);
      return;
    }
    const claimed = new Set(claims.map((c) => c.name));
    const missing = artifacts.filter((name) => !claimed.has(name));
    const extra = sorted([...claimed].filter((name) => !files.has(name) || isMeta(name)));
    if (missing.length > 0)
      problem(doc, mismatch, `${doc} does not name artifact(s) present: ${missing.join(', ')}`);
    if (extra.length > 0) problem(doc, mismatch, `${doc} names artifact(s) not present: ${extra.join(', ')}`);
    for (const claim of claims) {
      const bytes = files.get(claim.name);
      if (bytes === undefined || isMeta(claim.name)) continue;
      if (claim.sha256 !== digestOf(claim.name, bytes)) {
        problem(
          doc,
          mismatch,
          `${doc} gives ${claim.name} sha256 ${claim.sha256 ?? '(none)'}, file is ${digestOf(claim.name, bytes)}`,
        );
      }
    }
  };
  for (const [doc, extract, invalid, mismatch] of [
    [RELEASE_FILES.sbom, sbomArtifacts, 'sbom_invalid', 'sbom_artifacts_mismatch'],
    [RELEASE_FILES.evidence, evidenceArtifacts, 'evidence_invalid', 'evidence_artifacts_mismatch'],
  ] as const) {
    const bytes = files.get(doc);
    if (bytes === undefined) continue; // reported as metadata_missing above
    const parsed = parseJsonObject(bytes);
    compareClaims(doc, parsed === undefined ? 'is not a JSON object' : extract(parsed), invalid, mismatch);
  }

  // 4. A shipped public key that is not the trusted one means the directory was tampered with or mislabelled.
  const shippedKey = files.get(RELEASE_FILES.publicKey);
  if (shippedKey !== undefined) {
    let shippedSha: string | undefined;
    try {
      shippedSha = keyFingerprint(loadPublicKey(shippedKey)).publicKeySha256;
    } catch (error) {
      if (!isSigningError(error)) throw error;
    }
    if (shippedSha !== publicKeySha256) {
      problem(
        RELEASE_FILES.publicKey,
        'public_key_mismatch',
        `${RELEASE_FILES.publicKey} is not the trusted public key ${keyId}`,
      );
    }
  }

  return { ok: problems.length === 0, problems, artifacts, verifiedSignatures, keyId };
};
