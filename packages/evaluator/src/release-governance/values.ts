import { CavraError, isPyDict, pyQualifiedTypeName, pyStr, type PyDict, type PyValue } from '@cavra/policy-model';
import { pyStrip as pythonStrip } from '@cavra/policy-model';

/** A Python exception raised while reading a record, as a typed error carrying Python's line. */
export function releaseGovernanceError(pythonType: string, message: string): CavraError {
  return new CavraError('release_governance_invalid', message, { python: `${pythonType}: ${message}` });
}

/**
 * Code points Node's ICU (Unicode 17) lower-cases but Python 3.11 (Unicode 14) leaves alone:
 * letters added to Unicode after 14.0.
 */
const NEWER_CASED_LETTERS: readonly (readonly [number, number])[] = [
  [0x1c89, 0x1c89],
  [0xa7cb, 0xa7cc],
  [0xa7ce, 0xa7ce],
  [0xa7d2, 0xa7d2],
  [0xa7d4, 0xa7d4],
  [0xa7da, 0xa7da],
  [0xa7dc, 0xa7dc],
  [0x10d50, 0x10d65],
  [0x16ea0, 0x16eb8],
];

const isNewerCasedLetter = (cp: number): boolean =>
  NEWER_CASED_LETTERS.some(([low, high]) => cp >= low && cp <= high);

// eslint-disable-next-line no-control-regex
const ASCII_ONLY = /^[\u0000-\u007f]*$/;

/**
 * Python 3.11 `str.lower()`. `toLowerCase()` agrees everywhere (final sigma and `İ` included)
 * except on letters newer than Unicode 14, which Python keeps as they are. Those letters are not
 * cased for Python either, so lower-casing the runs between them separately keeps the
 * final-sigma context Python sees.
 */
export function pythonLower(s: string): string {
  if (ASCII_ONLY.test(s)) return s.toLowerCase();
  let out = '';
  let run = '';
  for (const ch of s) {
    if (isNewerCasedLetter(ch.codePointAt(0) as number)) {
      out += run.toLowerCase() + ch;
      run = '';
    } else run += ch;
  }
  return out + run.toLowerCase();
}

/** The record's value as text: absent and `None` give `""`, anything else `str(value).strip()`. */
export function stringValue(record: PyDict, key: string): string {
  const value = record.get(key);
  return value === undefined || value === null ? '' : pythonStrip(pyStr(value));
}

/** Strip, lower-case, and turn every `-` into `_` (Python's `replace` replaces them all). */
export const normalizeState = (state: string): string => pythonLower(pythonStrip(state)).replaceAll('-', '_');

/**
 * Python's integer reading of a count: ints as they are (any size), floats truncated toward
 * zero (infinity and NaN raise), everything else (bools, strings, lists, objects) is 0.
 */
export function intValue(record: PyDict, key: string): bigint {
  const value = record.get(key);
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') {
    if (Number.isNaN(value)) throw releaseGovernanceError('ValueError', 'cannot convert float NaN to integer');
    if (!Number.isFinite(value)) {
      throw releaseGovernanceError('OverflowError', 'cannot convert float infinity to integer');
    }
    return BigInt(Math.trunc(value));
  }
  return 0n;
}

export const isPositive = (count: bigint): boolean => count > 0n;

const TRUE_WORDS: ReadonlySet<string> = new Set(['true', 'yes', 'success', 'succeeded']);

/** A bool as it is; a string by its normalised word; anything else is false. */
export function boolValue(record: PyDict, key: string): boolean {
  const value = record.get(key);
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') return TRUE_WORDS.has(normalizeState(value));
  return false;
}

/** Python's `record.get(...)` on a non-mapping: `AttributeError: '<type>' object has no attribute 'get'`. */
export function asRecord(value: PyValue): PyDict {
  if (isPyDict(value)) return value;
  throw releaseGovernanceError('AttributeError', `'${pyQualifiedTypeName(value)}' object has no attribute 'get'`);
}

