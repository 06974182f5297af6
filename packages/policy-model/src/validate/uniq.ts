import { PyBytes, pyEquals, type PyValue } from '../python/value.js';
import { PyOrderTypeError, Unorderable, pyEq, pySorted, type Orderable } from '../python/order.js';

// jsonschema's `unbool` sentinels: `True`/`False` become objects equal only to themselves, so that
// `True`, `1` and `1.0` are not "equal" for `uniqueItems`/`enum` (while `1 == 1.0` still is).
const TRUE = new Unorderable('true');
const FALSE = new Unorderable('false');

const unbool = (v: Orderable): Orderable => (v === true ? TRUE : v === false ? FALSE : v);

// Python `Sequence` (str is handled first): list and bytes.
const isSequence = (v: Orderable): v is PyValue[] | PyBytes => Array.isArray(v) || v instanceof PyBytes;
const items = (v: PyValue[] | PyBytes): Orderable[] =>
  Array.isArray(v) ? v : [...v.bytes].map((b) => BigInt(b));

/** jsonschema `_utils.equal`: Python equality, except bools never equal numbers, recursively. */
export function jsonSchemaEqual(one: Orderable, two: Orderable): boolean {
  // `one is two`: PyYAML and json.loads hand out one shared NaN object, so NaN "is" NaN.
  if (one === two || (Number.isNaN(one) && Number.isNaN(two))) return true;
  if (typeof one === 'string' || typeof two === 'string') return one === two;
  if (isSequence(one) && isSequence(two)) {
    const a = items(one);
    const b = items(two);
    return a.length === b.length && a.every((x, i) => jsonSchemaEqual(x, b[i] as Orderable));
  }
  if (one instanceof Map && two instanceof Map) {
    if (one.size !== two.size) return false;
    for (const [key, value] of one) {
      // `key in two`: dict lookup uses Python hashing/equality (1, 1.0 and True are one key).
      const match = [...two].find(([k]) => pyEquals(key, k));
      if (!match || !jsonSchemaEqual(value, match[1])) return false;
    }
    return true;
  }
  return pyEq(unbool(one), unbool(two));
}

/**
 * jsonschema `_utils.uniq`: sort the (unbool'ed) items and compare neighbours; if Python cannot
 * order them (TypeError), compare every pair. Both branches are reproduced because they disagree
 * on inputs such as `[[1], [True], [1]]`, which the sorted branch calls unique.
 */
export function jsonSchemaUniq(container: readonly PyValue[]): boolean {
  const values = container.map(unbool);
  try {
    const sorted = pySorted(values);
    for (let i = 1; i < sorted.length; i++) {
      if (jsonSchemaEqual(sorted[i - 1] as Orderable, sorted[i] as Orderable)) return false;
    }
    return true;
  } catch (error) {
    if (!(error instanceof PyOrderTypeError)) throw error;
  }
  const seen: Orderable[] = [];
  for (const e of values) {
    if (seen.some((s) => jsonSchemaEqual(s, e))) return false;
    seen.push(e);
  }
  return true;
}
