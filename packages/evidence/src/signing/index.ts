export { SIGNING_ERROR_CODES, SigningError, isSigningError, type SigningErrorCode } from './errors.js';
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
} from './ed25519.js';
export { formatChecksums, isSafeReleaseFileName, parseChecksums, type ChecksumEntry } from './checksums.js';
export {
  RELEASE_FILES,
  RELEASE_METADATA_FILES,
  SIGNATURE_SUFFIX,
  signReleaseFiles,
  verifyReleaseFiles,
  type ReleaseProblem,
  type ReleaseProblemCode,
  type ReleaseReport,
} from './release.js';
