import type { PyDict } from '../python/value.js';
import { deepCopy, mergePolicy } from './merge.js';
import { normalizePolicy } from './normalize.js';

/** Python's `compile_policy(base, overlays)`: fold `merge` over the overlays in order, then normalise. */
export function compilePolicy(base: PyDict, overlays: readonly PyDict[] = []): PyDict {
  let merged = deepCopy(base);
  for (const overlay of overlays) merged = mergePolicy(merged, overlay);
  return normalizePolicy(merged);
}
