/** A source of random bytes; the default draws from the CSPRNG. Tests inject a deterministic one. */
export type RandomBytes = (size: number) => Uint8Array;

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const POOL_SIZE = 16 * 1024;

// Web Crypto's CSPRNG: the same source as node:crypto's randomFillSync, and cheaper to load
// (a single decision's start-up pays for it).
const randomFill = (bytes: Uint8Array): Uint8Array => globalThis.crypto.getRandomValues(bytes);

/**
 * CSPRNG bytes, drawn from a refilled pool so that a decision does not pay for a syscall each
 * (a decision needs 12 bytes). Every byte is used once.
 */
export function pooledRandomBytes(): RandomBytes {
  const pool = new Uint8Array(POOL_SIZE);
  let offset = POOL_SIZE;
  return (size) => {
    if (size > POOL_SIZE) return randomFill(new Uint8Array(size));
    if (offset + size > POOL_SIZE) {
      randomFill(pool);
      offset = 0;
    }
    const bytes = pool.subarray(offset, offset + size);
    offset += size;
    return bytes;
  };
}

function hex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += HEX[byte] as string;
  return out;
}

/** `dec_` + 12 lowercase hex digits (Python: the first 12 hex digits of a UUID4, all random). */
/** What every decision id and correlation id starts with. */
export const DECISION_ID_PREFIX = 'dec_';
export const CORRELATION_ID_PREFIX = 'corr_';

export const newDecisionId = (random: RandomBytes): string => `${DECISION_ID_PREFIX}${hex(random(6))}`;

/** `corr_` + 12 lowercase hex digits, drawn independently of the decision id. */
export const newCorrelationId = (random: RandomBytes): string => `${CORRELATION_ID_PREFIX}${hex(random(6))}`;

/** `apr_` + 12 lowercase hex digits: an approval record's id (Python: `uuid4().hex[:12]`). */
export const newApprovalId = (random: RandomBytes): string => `apr_${hex(random(6))}`;

/**
 * Writes random bytes as lowercase hex character codes into a buffer (the batch path writes ids
 * in place): `count` bytes at `offset`, returning the end offset. With no `random`, bytes come
 * from a refilled CSPRNG pool read in place (no view per id); otherwise from `random(count)`.
 */
export type RandomHexWriter = (target: Uint8Array, offset: number, count: number) => number;

// Lowercase hex digits of every byte value, as character codes: [high, low] at 2 * byte.
const HEX_CODES = new Uint8Array(512);
for (let byte = 0; byte < 256; byte++) {
  HEX_CODES[2 * byte] = (HEX[byte] as string).charCodeAt(0);
  HEX_CODES[2 * byte + 1] = (HEX[byte] as string).charCodeAt(1);
}

/** `bytes[from, from + count)` as hex character codes at `offset`; returns the end offset. */
function putHexCodes(target: Uint8Array, offset: number, bytes: Uint8Array, from: number, count: number): number {
  for (let i = from; i < from + count; i++) {
    const at = 2 * (bytes[i] as number);
    target[offset++] = HEX_CODES[at] as number;
    target[offset++] = HEX_CODES[at + 1] as number;
  }
  return offset;
}

export function randomHexWriter(random?: RandomBytes): RandomHexWriter {
  if (random !== undefined) return (target, offset, count) => putHexCodes(target, offset, random(count), 0, count);
  const pool = new Uint8Array(POOL_SIZE);
  let next = POOL_SIZE;
  return (target, offset, count) => {
    if (count > POOL_SIZE) throw new RangeError(`at most ${POOL_SIZE} random bytes at once, got ${count}`);
    if (next + count > POOL_SIZE) {
      randomFill(pool);
      next = 0;
    }
    next += count;
    return putHexCodes(target, offset, pool, next - count, count);
  };
}
