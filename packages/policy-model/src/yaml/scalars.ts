import { pyDaysInMonth } from '../python/dates.js';
import { pyStrip } from '../python/whitespace.js';
import { pyStrRepr } from '../python/repr.js';
import { PyBytes, PyDate, PyDateTime } from '../python/value.js';
import { PyYamlError } from './errors.js';

/*
 * Scalar constructors of PyYAML's SafeConstructor (constructor.py), step for step, including
 * the builtin exceptions (ValueError, KeyError, ...) they let escape on odd explicit-tag input.
 */

/** Python `s[0]` (raises IndexError on an empty string). */
function firstChar(s: string): string {
  if (s === '') throw new PyYamlError('IndexError', 'string index out of range');
  return s[0] as string;
}

const DIGITS: Record<number, RegExp> = { 2: /^[01]+$/, 8: /^[0-7]+$/, 10: /^[0-9]+$/, 16: /^[0-9a-fA-F]+$/ };
const PREFIX: Record<number, RegExp> = { 2: /^0[bB]/, 8: /^0[oO]/, 16: /^0[xX]/ };

/** Python `int(text, base)` for ASCII digits (underscores are already gone on every caller's path). */
export function pyInt(text: string, base: 2 | 8 | 10 | 16): bigint {
  let s = pyStrip(text);
  let negative = false;
  if (s[0] === '+' || s[0] === '-') {
    negative = s[0] === '-';
    s = s.slice(1);
  }
  const prefix = PREFIX[base];
  if (prefix?.test(s)) s = s.slice(2);
  if (!(DIGITS[base] as RegExp).test(s)) {
    throw new PyYamlError('ValueError', `invalid literal for int() with base ${base}: ${pyStrRepr(text)}`);
  }
  const digits = base === 10 ? s : `0${base === 2 ? 'b' : base === 8 ? 'o' : 'x'}${s}`;
  const n = BigInt(digits);
  return negative ? -n : n;
}

const FLOAT_TEXT = /^[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|inf|infinity|nan)$/i;

/** Python `float(text)`. */
export function pyFloat(text: string): number {
  const s = pyStrip(text);
  if (!FLOAT_TEXT.test(s)) throw new PyYamlError('ValueError', `could not convert string to float: ${pyStrRepr(text)}`);
  const body = s.replace(/^[+-]/, '').toLowerCase();
  const negative = s.startsWith('-');
  let value: number;
  if (body === 'inf' || body === 'infinity') value = Number.POSITIVE_INFINITY;
  else if (body === 'nan') value = Number.NaN;
  else value = Number(body);
  return negative ? -value : value;
}

const BOOL_VALUES = new Map<string, boolean>([
  ['yes', true],
  ['no', false],
  ['true', true],
  ['false', false],
  ['on', true],
  ['off', false],
]);

export function constructBool(value: string): boolean {
  const result = BOOL_VALUES.get(value.toLowerCase());
  if (result === undefined) throw new PyYamlError('KeyError', pyStrRepr(value.toLowerCase()));
  return result;
}

export function constructInt(text: string): bigint {
  let value = text.replaceAll('_', '');
  let sign = 1n;
  if (firstChar(value) === '-') sign = -1n;
  if ('+-'.includes(firstChar(value))) value = value.slice(1);
  if (value === '0') return 0n;
  if (value.startsWith('0b')) return sign * pyInt(value.slice(2), 2);
  if (value.startsWith('0x')) return sign * pyInt(value.slice(2), 16);
  if (firstChar(value) === '0') return sign * pyInt(value, 8);
  if (value.includes(':')) {
    let result = 0n;
    let base = 1n;
    for (const part of value.split(':').reverse()) {
      result += pyInt(part, 10) * base;
      base *= 60n;
    }
    return sign * result;
  }
  return sign * pyInt(value, 10);
}

export function constructFloat(text: string): number {
  let value = text.replaceAll('_', '').toLowerCase();
  let sign = 1;
  if (firstChar(value) === '-') sign = -1;
  if ('+-'.includes(firstChar(value))) value = value.slice(1);
  if (value === '.inf') return sign * Number.POSITIVE_INFINITY;
  if (value === '.nan') return Number.NaN;
  if (value.includes(':')) {
    let result = 0;
    let base = 1;
    for (const part of value.split(':').reverse()) {
      result += pyFloat(part) * base;
      base *= 60;
    }
    return sign * result;
  }
  return sign * pyFloat(value);
}

const TIMESTAMP =
  /^([0-9][0-9][0-9][0-9])-([0-9][0-9]?)-([0-9][0-9]?)(?:(?:[Tt]|[ \t]+)([0-9][0-9]?):([0-9][0-9]):([0-9][0-9])(?:\.([0-9]*))?(?:[ \t]*(Z|([-+])([0-9][0-9]?)(?::([0-9][0-9]))?))?)?\n?$/;

// The checks and messages of CPython's `datetime.date` / `datetime.datetime` constructors.
function checkDate(year: number, month: number, day: number): void {
  if (year < 1 || year > 9999) throw new PyYamlError('ValueError', `year ${year} is out of range`);
  if (month < 1 || month > 12) throw new PyYamlError('ValueError', 'month must be in 1..12');
  const days = pyDaysInMonth(year, month);
  if (day < 1 || day > days) throw new PyYamlError('ValueError', 'day is out of range for month');
}

export function constructTimestamp(value: string): PyDate | PyDateTime {
  const m = TIMESTAMP.exec(value);
  if (!m) throw new PyYamlError('AttributeError', "'NoneType' object has no attribute 'groupdict'");
  const num = (i: number): number => Number(m[i]);
  const [year, month, day] = [num(1), num(2), num(3)];
  if (!m[4]) {
    checkDate(year, month, day);
    return new PyDate(year, month, day);
  }
  const [hour, minute, second] = [num(4), num(5), num(6)];
  // Only the first six fraction digits count (truncated, not rounded).
  const microsecond = m[7] ? Number(m[7].slice(0, 6).padEnd(6, '0')) : 0;
  let offset: number | null = null;
  if (m[9]) {
    offset = (num(10) * 60 + (m[11] ? num(11) : 0)) * (m[9] === '-' ? -1 : 1);
    if (Math.abs(offset) >= 24 * 60) {
      throw new PyYamlError(
        'ValueError',
        'offset must be a timedelta strictly between -timedelta(hours=24) and timedelta(hours=24).',
      );
    }
  } else if (m[8]) {
    offset = 0;
  }
  checkDate(year, month, day);
  if (hour > 23) throw new PyYamlError('ValueError', 'hour must be in 0..23');
  if (minute > 59) throw new PyYamlError('ValueError', 'minute must be in 0..59');
  if (second > 59) throw new PyYamlError('ValueError', 'second must be in 0..59');
  return new PyDateTime(year, month, day, hour, minute, second, microsecond, offset);
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** `base64.decodebytes` = CPython's non-strict `binascii.a2b_base64`: junk is skipped, padding ends the data. */
export function constructBinary(value: string): PyBytes {
  // eslint-disable-next-line no-control-regex
  const bad = /[^\x00-\x7f]/u.exec(value);
  if (bad) {
    throw new PyYamlError(
      'ConstructorError',
      `failed to convert base64 data into ascii: 'ascii' codec can't encode character ${pyStrRepr(bad[0])} in position ${bad.index}: ordinal not in range(128)`,
    );
  }
  const out: number[] = [];
  let quadPos = 0;
  let left = 0;
  let pads = 0;
  for (const ch of value) {
    if (ch === '=') {
      if (quadPos >= 2 && quadPos + ++pads >= 4) {
        quadPos = 0;
        break;
      }
      continue;
    }
    const v = BASE64.indexOf(ch);
    if (v < 0) continue;
    pads = 0;
    if (quadPos === 0) {
      left = v;
      quadPos = 1;
    } else if (quadPos === 1) {
      out.push(((left << 2) | (v >> 4)) & 0xff);
      left = v & 0x0f;
      quadPos = 2;
    } else if (quadPos === 2) {
      out.push(((left << 4) | (v >> 2)) & 0xff);
      left = v & 0x03;
      quadPos = 3;
    } else {
      out.push(((left << 6) | v) & 0xff);
      quadPos = 0;
    }
  }
  if (quadPos === 1) {
    throw new PyYamlError(
      'ConstructorError',
      `failed to decode base64 data: Invalid base64-encoded string: number of data characters (${Math.floor(out.length / 3) * 4 + 1}) cannot be 1 more than a multiple of 4`,
    );
  }
  if (quadPos !== 0) throw new PyYamlError('ConstructorError', 'failed to decode base64 data: Incorrect padding');
  return new PyBytes(Uint8Array.from(out));
}
