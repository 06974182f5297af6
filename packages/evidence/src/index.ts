export { decisionJson } from './serialize.js';
export { createDecisionEnveloper, evidenceRef, type EnvelopeOptions } from './envelope.js';
export { newCorrelationId, newDecisionId, pooledRandomBytes, type RandomBytes } from './identifiers.js';
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
export { canonicalDecisionJson, canonicalJson } from './log/canonical-json.js';
export {
  GENESIS_HASH,
  evidenceLogRef,
  parseRecordLine,
  recordHash,
  recordLine,
  signRecordHash,
  signatureProblem,
  type EvidenceRecord,
  type EvidenceRecordBody,
  type EvidenceRecordKind,
  type EvidenceSignature,
  type EvidenceSigningKey,
  type EvidenceVerificationKey,
  type RecordProblem,
  type RecordProblemCode,
  type RecoveredTail,
} from './log/record.js';
export {
  DEFAULT_FSYNC_INTERVAL_MS,
  DEFAULT_FSYNC_POLICY,
  FSYNC_POLICIES,
  MAX_RECORD_LINE_BYTES,
  openEvidenceLog,
  recordDecision,
  type EvidenceLog,
  type EvidenceLogOptions,
  type FsyncPolicy,
} from './log/file-log.js';
export { acquireLogLock, lockPathOf } from './log/lock.js';
export {
  MIN_HMAC_SECRET_BYTES,
  hmacSecretFrom,
  readEvidenceSigningKey,
  readEvidenceVerificationKey,
} from './log/keys.js';
export {
  EvidenceLogVerifier,
  verifyEvidenceLogBytes,
  verifyEvidenceLogFile,
  type BrokenRecord,
  type LogVerificationReport,
  type VerifyLogOptions,
} from './log/verify-log.js';
