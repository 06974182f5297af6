import { CavraError } from '../errors.js';
import { PyJsonTypeError, dumpsPyJson } from '../python/json-dumps.js';
import { pyQualifiedTypeName, type PyDict, type PyValue } from '../python/value.js';

/** A deep copy, so that compile never shares (or mutates) its inputs' containers. */
export function deepCopy<T extends PyValue>(value: T): T {
  const copy = (v: PyValue): PyValue => {
    if (Array.isArray(v)) return v.map(copy);
    if (v instanceof Map) {
      const out: PyDict = new Map();
      for (const [key, item] of v) out.set(key, copy(item));
      return out;
    }
    return v;
  };
  return copy(value) as T;
}

/**
 * The identity Python's compiler de-duplicates list items by: `json.dumps(item, sort_keys=True)`.
 * So `1`, `1.0`, `true` and `"1"` are four items, and key order inside mappings does not matter.
 */
function canonicalJson(item: PyValue): string {
  try {
    return dumpsPyJson(item, { sortKeys: true, ensureAscii: true });
  } catch (error) {
    if (error instanceof PyJsonTypeError) {
      throw new CavraError('compile_failed', error.message, { python: `TypeError: ${error.message}` });
    }
    throw error;
  }
}

/** Keep the first occurrence of each item (by canonical JSON). */
export function dedupe(items: readonly PyValue[]): PyValue[] {
  const seen = new Set<string>();
  const out: PyValue[] = [];
  for (const item of items) {
    const key = canonicalJson(item);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(deepCopy(item));
  }
  return out;
}

function asMapping(value: PyValue, what: string): PyDict {
  if (value === null) return new Map();
  if (value instanceof Map) return value;
  const type = pyQualifiedTypeName(value);
  throw new CavraError('compile_failed', `${what} is a ${type}, not a mapping`, {
    python: `AttributeError: '${type}' object has no attribute 'items'`,
  });
}

/**
 * Metadata merge: every overlay key replaces the base's, except that a `null` value keeps the
 * base value, with one exception: `inherits` is always copied, even when `null`.
 */
export function mergeMetadata(base: PyDict, over: PyValue): PyDict {
  const merged = deepCopy(base);
  for (const [key, value] of asMapping(over, 'metadata')) {
    if (key === 'inherits' || value !== null) merged.set(key, deepCopy(value));
  }
  return merged;
}

/** Nested sections: lists on both sides are concatenated then de-duplicated; mappings recurse; else replace. */
export function mergeSection(base: PyDict, over: PyDict): PyDict {
  const merged = deepCopy(base);
  for (const [key, value] of over) {
    const current = merged.get(key);
    if (Array.isArray(current) && Array.isArray(value)) merged.set(key, dedupe([...current, ...value]));
    else if (current instanceof Map && value instanceof Map) merged.set(key, mergeSection(current, value));
    else merged.set(key, deepCopy(value));
  }
  return merged;
}

/**
 * Python's `merge_policy(base, override)`. Top level: `metadata` merges by the metadata rule,
 * two mappings merge as sections, anything else (lists included, `null` included) replaces.
 * A replaced or merged key keeps its position; new keys are appended in overlay order.
 */
export function mergePolicy(base: PyDict, over: PyDict): PyDict {
  const merged = deepCopy(base);
  for (const [key, value] of over) {
    const current = merged.get(key);
    if (key === 'metadata') {
      const baseMetadata = current instanceof Map ? current : new Map<PyValue, PyValue>();
      merged.set(key, mergeMetadata(baseMetadata, value));
    } else if (current instanceof Map && value instanceof Map) {
      merged.set(key, mergeSection(current, value));
    } else {
      merged.set(key, deepCopy(value));
    }
  }
  return merged;
}
