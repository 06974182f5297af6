import { pyStr } from '../python/repr.js';
import type { PyDict, PyValue } from '../python/value.js';
import { sortByCodePoint } from '../text/code-point-order.js';
import { deepCopy } from './merge.js';

const stringifySorted = (items: readonly PyValue[]): string[] => sortByCodePoint(items.map(pyStr));

/**
 * Python's `normalize_policy`: in `filesystem` and `commands` every list value (unknown keys
 * included) becomes `sorted(map(str, list))`; in `mcp` only `allowed_servers` and
 * `blocked_servers` do. Nothing else is touched. `null` items become `"None"` here.
 */
export function normalizePolicy(policy: PyDict): PyDict {
  const normalized = deepCopy(policy);
  for (const sectionName of ['filesystem', 'commands']) {
    const section = normalized.get(sectionName);
    if (!(section instanceof Map)) continue;
    for (const [key, value] of section) {
      if (Array.isArray(value)) section.set(key, stringifySorted(value));
    }
  }
  const mcp = normalized.get('mcp');
  if (mcp instanceof Map) {
    for (const key of ['allowed_servers', 'blocked_servers']) {
      const value = mcp.get(key);
      if (Array.isArray(value)) mcp.set(key, stringifySorted(value));
    }
  }
  return normalized;
}
