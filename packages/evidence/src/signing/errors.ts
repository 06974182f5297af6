/** Why a key, signature document or checksum list could not be used. Stable, machine-readable. */
export const SIGNING_ERROR_CODES = [
  'invalid_private_key',
  'invalid_public_key',
  'not_ed25519',
  'invalid_signature_document',
  'invalid_checksums',
] as const;
export type SigningErrorCode = (typeof SIGNING_ERROR_CODES)[number];

/** A typed, expected failure of the signing primitives (bad key material or a malformed document). */
export class SigningError extends Error {
  readonly code: SigningErrorCode;

  constructor(code: SigningErrorCode, message: string) {
    super(message);
    this.name = 'SigningError';
    this.code = code;
  }
}

export const isSigningError = (error: unknown): error is SigningError => error instanceof SigningError;
