import { pyDateTimeMicros, pyDayNumber } from './dates.js';
import { compareCodePoints } from '../text/code-point-order.js';
import { PyBytes, PyDate, PyDateTime, pyEquals, pyTypeName, type PyValue } from './value.js';

/**
 * Python's `TypeError: '<' not supported between instances of ...`. jsonschema's `uniq` relies on
 * it to fall back to brute force, and sorting error paths raises it for mixed key types.
 */
export class PyOrderTypeError extends Error {
  constructor(a: string, b: string) {
    super(`'<' not supported between instances of '${a}' and '${b}'`);
    this.name = 'PyOrderTypeError';
  }
}

/** An opaque stand-in for jsonschema's `unbool` sentinels: equal only to itself, ordered with nothing. */
export class Unorderable {
  constructor(readonly label: string) {}
}

export type Orderable = PyValue | Unorderable;

const typeName = (v: Orderable): string => (v instanceof Unorderable ? 'object' : pyTypeName(v));

function numeric(v: Orderable): bigint | number | undefined {
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (typeof v === 'bigint' || typeof v === 'number') return v;
  return undefined;
}

/** Exact `a < b` between Python ints and floats (no rounding of large ints). */
function numberLess(a: bigint | number, b: bigint | number): boolean {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b;
  if (typeof a === 'number' && typeof b === 'number') return a < b;
  if (typeof a === 'number') {
    if (Number.isNaN(a)) return false;
    if (!Number.isFinite(a)) return a < 0;
    const floor = BigInt(Math.floor(a));
    // a < b  <=>  floor(a) < b, or floor(a) == b and a had no fraction (then a == b, not less).
    return floor < (b as bigint);
  }
  const y = b as number;
  if (Number.isNaN(y)) return false;
  if (!Number.isFinite(y)) return y > 0;
  // a < y  <=>  a < ceil(y)
  return a < BigInt(Math.ceil(y));
}

const dateKey = (d: PyDate): number => pyDayNumber(d.year, d.month, d.day);

/** Python `==`, extended to jsonschema's `Unorderable` sentinels. */
export function pyEq(a: Orderable, b: Orderable): boolean {
  if (a instanceof Unorderable || b instanceof Unorderable) return a === b;
  return pyEquals(a, b);
}

/**
 * Python `a < b`. Throws `PyOrderTypeError` where Python raises TypeError (None, dicts, mixed
 * types, naive vs aware datetimes, date vs datetime).
 */
export function pyLess(a: Orderable, b: Orderable): boolean {
  const na = numeric(a);
  const nb = numeric(b);
  if (na !== undefined && nb !== undefined) return numberLess(na, nb);
  if (typeof a === 'string' && typeof b === 'string') return compareCodePoints(a, b) < 0;
  if (Array.isArray(a) && Array.isArray(b)) {
    // Lexicographic: the first pair that is not `==` decides with `<`; else the shorter is less.
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const x = a[i] as PyValue;
      const y = b[i] as PyValue;
      if (!pyEq(x, y)) return pyLess(x, y);
    }
    return a.length < b.length;
  }
  if (a instanceof PyDateTime && b instanceof PyDateTime) {
    if ((a.utcOffsetMinutes === null) !== (b.utcOffsetMinutes === null)) {
      throw new PyOrderTypeError('datetime', 'datetime');
    }
    return pyDateTimeMicros(a) < pyDateTimeMicros(b);
  }
  if (a instanceof PyDate && b instanceof PyDate) return dateKey(a) < dateKey(b);
  if (a instanceof PyBytes && b instanceof PyBytes) {
    const n = Math.min(a.bytes.length, b.bytes.length);
    for (let i = 0; i < n; i++) {
      const x = a.bytes[i] as number;
      const y = b.bytes[i] as number;
      if (x !== y) return x < y;
    }
    return a.bytes.length < b.bytes.length;
  }
  throw new PyOrderTypeError(typeName(a), typeName(b));
}

/**
 * CPython's `list.sort` for fewer than 64 items (count_run, then binary insertion), using only
 * `<` as Python does. Exactness matters where `<` is not a total order (NaN, `[1]` vs `[True]`):
 * jsonschema's `uniq` then compares only neighbours of *this* order. Longer lists use a stable
 * sort, which agrees with CPython whenever `<` is a total preorder.
 */
export function pySorted<T extends Orderable>(items: readonly T[]): T[];
export function pySorted<T>(items: readonly T[], less: (a: T, b: T) => boolean): T[];
export function pySorted<T>(
  items: readonly T[],
  less: (a: T, b: T) => boolean = pyLess as (a: T, b: T) => boolean,
): T[] {
  const a = [...items];
  const n = a.length;
  if (n < 2) return a;
  if (n >= 64) {
    return a.sort((x, y) => (less(x, y) ? -1 : less(y, x) ? 1 : 0));
  }
  // count_run
  let run = 2;
  if (less(a[1] as T, a[0] as T)) {
    while (run < n && less(a[run] as T, a[run - 1] as T)) run++;
    a.splice(0, run, ...a.slice(0, run).reverse());
  } else {
    while (run < n && !less(a[run] as T, a[run - 1] as T)) run++;
  }
  // binarysort of the rest into the run
  for (let start = run; start < n; start++) {
    const pivot = a[start] as T;
    let l = 0;
    let r = start;
    do {
      const p = l + ((r - l) >> 1);
      if (less(pivot, a[p] as T)) r = p;
      else l = p + 1;
    } while (l < r);
    a.splice(start, 1);
    a.splice(l, 0, pivot);
  }
  return a;
}
