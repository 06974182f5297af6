import { createHmac, hash as oneShotHash, sign, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import { keyFingerprint, publicKeyOf } from '../signing/ed25519.js';
import { canonicalJson } from './canonical-json.js';

/** `previous_hash` of the first record of every log. */
export const GENESIS_HASH = '0'.repeat(64);

/** The kinds of record a log holds. */
export type EvidenceRecordKind = 'decision' | 'log_recovered';

/** What a `log_recovered` record says about the torn tail it moved aside. */
export interface RecoveredTail {
  /** Base name of the file the torn bytes were moved to (`<log>.torn-<n>`, next to the log). */
  torn_file: string;
  torn_bytes: number;
  /** SHA-256 (hex) of the torn bytes. */
  torn_sha256: string;
}

export type EvidenceSignature =
  { algorithm: 'Ed25519'; key_id: string; value: string } | { algorithm: 'HMAC-SHA256'; value: string };

/** The fields covered by `record_hash`. */
export type EvidenceRecordBody =
  | {
      kind: 'decision';
      sequence: number;
      time: string;
      request: unknown;
      decision: unknown;
      previous_hash: string;
    }
  | {
      kind: 'log_recovered';
      sequence: number;
      time: string;
      recovered: RecoveredTail;
      previous_hash: string;
    };

export type EvidenceRecord = EvidenceRecordBody & { record_hash: string; signature?: EvidenceSignature };

/** A key that signs records as they are appended. */
export type EvidenceSigningKey =
  { algorithm: 'Ed25519'; privateKey: KeyObject } | { algorithm: 'HMAC-SHA256'; secret: Uint8Array };

/** A key that checks record signatures (`verify-log`). */
export type EvidenceVerificationKey =
  { algorithm: 'Ed25519'; publicKey: KeyObject } | { algorithm: 'HMAC-SHA256'; secret: Uint8Array };

const HEX64 = /^[0-9a-f]{64}$/;

/** SHA-256 (lowercase hex) of the UTF-8 bytes of the body's canonical JSON. */
export const recordHash = (body: EvidenceRecordBody): string => sha256OfText(canonicalJson(body));

/** SHA-256 (lowercase hex) of a string's UTF-8 bytes; the one-shot API skips a Hash object per record. */
export const sha256OfText = (text: string): string => oneShotHash('sha256', text, 'hex');

/** Signatures cover the record hash: the UTF-8 bytes of its 64 lowercase hex digits. */
export function signRecordHash(hash: string, key: EvidenceSigningKey): EvidenceSignature {
  if (key.algorithm === 'Ed25519') {
    return {
      algorithm: 'Ed25519',
      key_id: keyFingerprint(publicKeyOf(key.privateKey)).keyId,
      value: sign(null, Buffer.from(hash, 'utf8'), key.privateKey).toString('base64'),
    };
  }
  return {
    algorithm: 'HMAC-SHA256',
    value: createHmac('sha256', key.secret).update(hash, 'utf8').digest('hex'),
  };
}

/** The full line (without its newline): the canonical JSON of the whole record. */
export const recordLine = (record: EvidenceRecord): string => canonicalJson(record);

/** Why a line is not an intact record, as reported by `verify-log` (stable codes). */
export type RecordProblemCode =
  | 'torn' // the last line has no newline: a write was cut short, or the file was truncated
  | 'not_json'
  | 'not_canonical' // parses, but its bytes are not the canonical form (edited)
  | 'bad_shape'
  | 'hash_mismatch'
  | 'sequence_mismatch' // deleted, reordered or inserted records
  | 'previous_hash_mismatch'
  | 'missing_signature'
  | 'bad_signature'
  | 'line_too_long';

export interface RecordProblem {
  code: RecordProblemCode;
  message: string;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const hasExactly = (value: Record<string, unknown>, keys: readonly string[]): boolean => {
  const own = Object.keys(value);
  return own.length === keys.length && keys.every((key) => Object.hasOwn(value, key));
};

const DECISION_KEYS = ['kind', 'sequence', 'time', 'request', 'decision', 'previous_hash'] as const;
const RECOVERED_KEYS = ['kind', 'sequence', 'time', 'recovered', 'previous_hash'] as const;

/** Checks the shape of a parsed record; returns why it is not one, or undefined. */
function shapeProblem(value: unknown): string | undefined {
  if (!isPlainObject(value)) return 'is not a JSON object';
  const { record_hash: hash, signature, ...body } = value;
  if (typeof hash !== 'string' || !HEX64.test(hash)) return 'has no record_hash of 64 lowercase hex digits';
  if (signature !== undefined && !signatureShapeOk(signature)) return 'has a malformed signature';
  if (body.kind === 'decision') {
    if (!hasExactly(body, DECISION_KEYS))
      return `a decision record has exactly the keys ${DECISION_KEYS.join(', ')}`;
    if (!isPlainObject(body.decision)) return 'its decision is not an object';
  } else if (body.kind === 'log_recovered') {
    if (!hasExactly(body, RECOVERED_KEYS))
      return `a log_recovered record has exactly the keys ${RECOVERED_KEYS.join(', ')}`;
    const r = body.recovered;
    if (
      !isPlainObject(r) ||
      !hasExactly(r, ['torn_file', 'torn_bytes', 'torn_sha256']) ||
      typeof r.torn_file !== 'string' ||
      !Number.isSafeInteger(r.torn_bytes) ||
      typeof r.torn_sha256 !== 'string' ||
      !HEX64.test(r.torn_sha256)
    ) {
      return 'its recovered member is malformed';
    }
  } else return `has an unknown kind ${JSON.stringify(body.kind)}`;
  if (!Number.isSafeInteger(body.sequence) || (body.sequence as number) < 1)
    return 'its sequence is not a positive integer';
  if (typeof body.time !== 'string') return 'its time is not a string';
  if (typeof body.previous_hash !== 'string' || !HEX64.test(body.previous_hash))
    return 'has no previous_hash of 64 lowercase hex digits';
  return undefined;
}

function signatureShapeOk(value: unknown): boolean {
  if (!isPlainObject(value)) return false;
  if (value.algorithm === 'Ed25519')
    return (
      hasExactly(value, ['algorithm', 'key_id', 'value']) &&
      typeof value.key_id === 'string' &&
      typeof value.value === 'string'
    );
  if (value.algorithm === 'HMAC-SHA256')
    return hasExactly(value, ['algorithm', 'value']) && typeof value.value === 'string';
  return false;
}

/**
 * Parses one line (without its newline) and checks it on its own: JSON, canonical bytes, shape,
 * and that `record_hash` is the hash of the rest. Chain links and signatures are checked by the caller.
 */
export function parseRecordLine(line: Uint8Array): { record: EvidenceRecord } | { problem: RecordProblem } {
  let value: unknown;
  try {
    value = JSON.parse(
      Buffer.from(line.buffer, line.byteOffset, line.byteLength).toString('utf8'),
    ) as unknown;
  } catch (error) {
    return { problem: { code: 'not_json', message: `not JSON (${(error as Error).message})` } };
  }
  const shape = shapeProblem(value);
  if (shape !== undefined) return { problem: { code: 'bad_shape', message: `record ${shape}` } };
  const record = value as EvidenceRecord;
  // Byte-exact: an edit that keeps the meaning (`\u001F` for `\u001f`, `1E2` for `100`, a bad
  // UTF-8 byte that decodes to U+FFFD like the original U+FFFD) is an edit too.
  if (!Buffer.from(recordLine(record), 'utf8').equals(line)) {
    return {
      problem: { code: 'not_canonical', message: 'line is not the canonical JSON of its record (edited)' },
    };
  }
  const { record_hash: stated, signature: _signature, ...body } = record;
  const actual = recordHash(body);
  if (actual !== stated) {
    return {
      problem: {
        code: 'hash_mismatch',
        message: `record_hash ${stated} does not match its content (${actual})`,
      },
    };
  }
  return { record };
}

/** Checks a record's signature with `key`; undefined when it verifies. */
export function signatureProblem(
  record: EvidenceRecord,
  key: EvidenceVerificationKey,
): RecordProblem | undefined {
  const signature = record.signature;
  if (signature === undefined)
    return { code: 'missing_signature', message: `record is not signed (expected ${key.algorithm})` };
  if (signature.algorithm !== key.algorithm) {
    return {
      code: 'bad_signature',
      message: `record is signed with ${signature.algorithm}, expected ${key.algorithm}`,
    };
  }
  const signed = Buffer.from(record.record_hash, 'utf8');
  if (key.algorithm === 'Ed25519') {
    const bytes = Buffer.from(signature.value, 'base64');
    if (bytes.length !== 64 || !verify(null, signed, key.publicKey, bytes)) {
      return {
        code: 'bad_signature',
        message: 'Ed25519 signature does not verify with the given public key',
      };
    }
    return undefined;
  }
  const expected = createHmac('sha256', key.secret).update(signed).digest();
  const given = Buffer.from(signature.value, 'hex');
  if (
    given.length !== expected.length ||
    signature.value.length !== 64 ||
    !timingSafeEqual(given, expected)
  ) {
    return { code: 'bad_signature', message: 'HMAC-SHA256 signature does not verify with the given key' };
  }
  return undefined;
}

/** `evidence-log:<sequence>:<record_hash>`: the reference added to the decision's `evidence_refs`. */
export const evidenceLogRef = (sequence: number, hash: string): string => `evidence-log:${sequence}:${hash}`;
