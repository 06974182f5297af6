import { pyDateTimeMicros } from './dates.js';

/**
 * A typed model of the Python values that PyYAML's `safe_load` and `json.loads` produce.
 *
 * Python keeps int, float, bool, date and datetime apart, and CAVRA's behaviour depends on it
 * (`str(1.0)` is `"1.0"`, `1` and `1.0` and `True` dedupe differently), so JS `number` alone
 * cannot carry them:
 * - `bigint` is a Python `int` (arbitrary precision), `number` is always a Python `float`;
 * - a mapping is a `Map`, which keeps insertion order and allows non-string keys (plain objects
 *   would move integer-like keys to the front and treat `__proto__` specially).
 */
export class PyDate {
  constructor(
    readonly year: number,
    readonly month: number,
    readonly day: number,
  ) {}
}

export class PyDateTime {
  constructor(
    readonly year: number,
    readonly month: number,
    readonly day: number,
    readonly hour: number,
    readonly minute: number,
    readonly second: number,
    readonly microsecond: number,
    /** UTC offset in minutes, or null for a naive datetime. */
    readonly utcOffsetMinutes: number | null,
  ) {}
}

export class PyBytes {
  constructor(readonly bytes: Uint8Array) {}
}

export type PyList = PyValue[];
export type PyDict = Map<PyValue, PyValue>;
export type PyValue =
  null | boolean | string | bigint | number | PyDate | PyDateTime | PyBytes | PyList | PyDict;

export const isPyDict = (value: PyValue | undefined): value is PyDict => value instanceof Map;
export const isPyList = (value: PyValue | undefined): value is PyList => Array.isArray(value);

/** Python's `type(value).__name__` (as in `Object of type date is not JSON serializable`). */
export function pyTypeName(value: PyValue): string {
  if (value === null) return 'NoneType';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'string') return 'str';
  if (typeof value === 'bigint') return 'int';
  if (typeof value === 'number') return 'float';
  if (value instanceof PyDate) return 'date';
  if (value instanceof PyDateTime) return 'datetime';
  if (value instanceof PyBytes) return 'bytes';
  if (Array.isArray(value)) return 'list';
  return 'dict';
}

/**
 * Python's `tp_name` of the value's type, as `AttributeError`/`TypeError` messages print it
 * (`'datetime.date' object has no attribute 'get'`).
 */
export function pyQualifiedTypeName(value: PyValue): string {
  if (value instanceof PyDate || value instanceof PyDateTime) return `datetime.${pyTypeName(value)}`;
  return pyTypeName(value);
}

/** Python truthiness: `None`, `False`, `0`, `0.0`, `""`, `b""`, `[]` and `{}` are falsy; NaN is truthy. */
export function pyTruthy(value: PyValue | undefined): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') return value.length > 0;
  if (typeof value === 'bigint') return value !== 0n;
  if (typeof value === 'number') return value !== 0;
  if (value instanceof PyBytes) return value.bytes.length > 0;
  if (Array.isArray(value)) return value.length > 0;
  if (value instanceof Map) return value.size > 0;
  return true;
}

/**
 * Python `==` between two values, as used for list membership (`server in allowed`).
 * `1 == 1.0 == True`; `"1" != 1`; containers compare element-wise.
 */
export function pyEquals(a: PyValue, b: PyValue): boolean {
  const na = numericValue(a);
  const nb = numericValue(b);
  if (na !== undefined && nb !== undefined) return numbersEqual(na, nb);
  if (na !== undefined || nb !== undefined) return false;
  if (a === null || b === null || typeof a === 'string' || typeof b === 'string') return a === b;
  if (a instanceof PyDate || b instanceof PyDate) {
    return (
      a instanceof PyDate &&
      b instanceof PyDate &&
      a.year === b.year &&
      a.month === b.month &&
      a.day === b.day
    );
  }
  if (a instanceof PyDateTime || b instanceof PyDateTime) {
    if (!(a instanceof PyDateTime && b instanceof PyDateTime)) return false;
    // Aware datetimes are equal when they are the same instant; aware never equals naive.
    if ((a.utcOffsetMinutes === null) !== (b.utcOffsetMinutes === null)) return false;
    return pyDateTimeMicros(a) === pyDateTimeMicros(b);
  }
  if (a instanceof PyBytes || b instanceof PyBytes) {
    if (!(a instanceof PyBytes && b instanceof PyBytes) || a.bytes.length !== b.bytes.length) return false;
    return a.bytes.every((byte, i) => byte === b.bytes[i]);
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!(Array.isArray(a) && Array.isArray(b)) || a.length !== b.length) return false;
    return a.every((item, i) => pyEquals(item, b[i] as PyValue));
  }
  if (!(a instanceof Map && b instanceof Map) || a.size !== b.size) return false;
  for (const [key, value] of a) {
    const match = [...b].find(([otherKey]) => pyEquals(key, otherKey));
    if (!match || !pyEquals(value, match[1])) return false;
  }
  return true;
}

function numericValue(value: PyValue): bigint | number | undefined {
  if (typeof value === 'boolean') return value ? 1n : 0n;
  if (typeof value === 'bigint' || typeof value === 'number') return value;
  return undefined;
}

function numbersEqual(a: bigint | number, b: bigint | number): boolean {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a === b;
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  const float = (typeof a === 'number' ? a : b) as number;
  const int = (typeof a === 'bigint' ? a : b) as bigint;
  return Number.isInteger(float) && BigInt(float) === int;
}
