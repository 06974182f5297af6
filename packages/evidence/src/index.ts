export { decisionJson } from './serialize.js';
export { createDecisionLineWriter, type DecisionLineWriter } from './decision-line.js';
export {
  createDecisionEnveloper,
  createEnveloper,
  evidenceRef,
  type EnvelopeCore,
  type EnvelopeOptions,
  type Enveloped,
} from './envelope.js';
export { newApprovalId, newCorrelationId, newDecisionId, pooledRandomBytes, type RandomBytes } from './identifiers.js';
export {
  pythonUtcIsoformat,
  pythonUtcIsoformatExact,
  systemMicrosecondClock,
  type MicrosecondClock,
} from './timestamp.js';
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
export { FIXED_NOW_ENV, clockFromEnvironment, parseIsoInstant } from './clock.js';
export { PyBase64Error, pyB64decode } from './trust-roots/python-base64.js';
export {
  PyOsError,
  PyValueError,
  crashFromOsError,
  decodePythonText,
  fileNotFound,
  isADirectory,
  loadsPythonJson,
  pythonCanonicalJson,
  pythonCrash,
  pythonJsonFileText,
  readPythonJson,
  type ReadBytes,
} from './trust-roots/python-compat.js';
export { loadPythonPemPublicKey, pythonEd25519Verify } from './trust-roots/python-pem.js';
export {
  DEFAULT_DISTRIBUTION_CHANNELS,
  DISTRIBUTION_FILES,
  DISTRIBUTION_OPERATOR_STEPS,
  DISTRIBUTION_VERIFICATION_COMMANDS,
  PRODUCT,
  TRUST_ROOT_ALGORITHM,
  TRUST_ROOT_BUNDLE_SCHEMA,
  TRUST_ROOT_DISTRIBUTION_SCHEMA,
  TRUST_ROOT_SCHEMA,
  buildKeyTrustRoot,
  buildTrustRootBundle,
  buildTrustRootDistribution,
  type DistributionOptions,
  type TrustRootOptions,
} from './trust-roots/trust-root.js';
export {
  EVIDENCE_BUNDLE_SCHEMA,
  buildEvidenceManifest,
  canonicalPublicKeyPem,
  canonicalSigningInput,
  hmacSignatureValue,
  loadManifestPrivateKey,
  signEvidenceManifest,
  type ManifestFile,
  type ManifestSigning,
} from './trust-roots/manifest.js';
export {
  verifyEvidenceBundle,
  type EvidenceReader,
  type EvidenceVerdict,
  type EvidenceVerifyOptions,
} from './trust-roots/verify.js';
export {
  EVIDENCE_BUNDLE_FILES,
  EVIDENCE_TAGLINE,
  RETENTION_SCHEMA,
  createEvidenceBundle,
  renderComplianceMapping,
  renderPrAttestation,
  type EvidenceBundleOptions,
} from './bundle/evidence-bundle.js';
export {
  releaseTrustRoots,
  selectReleaseSigner,
  type ReleaseTrustRoot,
  type TrustRootSelection,
} from './trust-roots/release-trust.js';
