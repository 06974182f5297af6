export { decisionJson } from './serialize.js';
export { createDecisionEnveloper, evidenceRef, type EnvelopeOptions } from './envelope.js';
export { newApprovalId, newCorrelationId, newDecisionId, pooledRandomBytes, type RandomBytes } from './identifiers.js';
export { pythonUtcIsoformat, systemMicrosecondClock, type MicrosecondClock } from './timestamp.js';
export {
  SIGNING_ERROR_CODES,
  SigningError,
  isSigningError,
  type SigningErrorCode,
} from './signing/errors.js';
export {
  SIGNATURE_SCHEMA_VERSION,
  generateSigningKeyPair,
  keyFingerprint,
  loadPrivateKey,
  loadPublicKey,
  parseDetachedSignature,
  privateKeyPem,
  publicKeyOf,
  publicKeyPem,
  serializeSignature,
  sha256Hex,
  signDetached,
  verifyDetached,
  type DetachedSignature,
  type KeyFingerprint,
  type SignatureCheck,
  type SignatureFailureCode,
} from './signing/ed25519.js';
export {
  formatChecksums,
  isSafeReleaseFileName,
  parseChecksums,
  type ChecksumEntry,
} from './signing/checksums.js';
export {
  RELEASE_FILES,
  RELEASE_METADATA_FILES,
  SIGNATURE_SUFFIX,
  signReleaseFiles,
  verifyReleaseFiles,
  type ReleaseProblem,
  type ReleaseProblemCode,
  type ReleaseReport,
} from './signing/release.js';
export type { EvidenceEntry, EvidenceSink } from './log/evidence-sink.js';
