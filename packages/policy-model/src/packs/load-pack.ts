import { compilePolicy } from '../compile/compile.js';
import { CavraError } from '../errors.js';
import { pyStr } from '../python/repr.js';
import { pyIterate, pyNoAttributeLine, pyNotIterableLine } from '../python/exceptions.js';
import { pyQualifiedTypeName, pyTruthy, type PyDict, type PyValue } from '../python/value.js';
import { invalidPack, type PackSource } from './bundled-pack-source.js';

/**
 * One pack's document, checked as Python's registry checks it: a mapping, whose `metadata` (if
 * present) is a mapping, and which is not empty.
 */
export function loadPackDocument(source: PackSource, id: string): PyDict {
  const document = source.readPackDocument(id);
  if (!(document instanceof Map)) throw invalidPack(id);
  const metadata = document.get('metadata');
  if (metadata !== undefined && !(metadata instanceof Map)) {
    throw new CavraError('pack_invalid', `Policy pack '${id}' has metadata that is not a mapping.`, {
      python: pyNoAttributeLine(metadata, 'get'),
    });
  }
  if (document.size === 0) {
    throw new CavraError('pack_invalid', `Policy pack '${id}' contains no policy data.`, {
      python: `PolicyRegistryError: Policy pack '${id}' contains no policy data.`,
    });
  }
  return document;
}

/** A string is one parent id (Python wraps it in a list); anything else is iterated as Python's `for` does. */
function parentIds(inherits: PyValue): PyValue[] {
  if (typeof inherits === 'string') return [inherits];
  const ids = pyIterate(inherits);
  if (ids !== undefined) return ids;
  const type = pyQualifiedTypeName(inherits);
  throw new CavraError('pack_invalid', `metadata.inherits must be a pack id or a list of pack ids, not ${type}`, {
    python: pyNotIterableLine(inherits),
  });
}

/**
 * The pack route, exactly as Python's `load_policy(id)`: a pack without a truthy
 * `metadata.inherits` is returned as written (YAML order and types); otherwise its parents are
 * loaded (last to first, recursively) and it is compiled as `compile(parent0, [parent1, …, pack])`.
 */
export function loadPackPolicy(source: PackSource, id: string): PyDict {
  return loadWithAncestors(source, id, []);
}

function loadWithAncestors(source: PackSource, id: string, chain: readonly string[]): PyDict {
  if (chain.includes(id)) {
    throw new CavraError('pack_invalid', `Policy pack '${id}' inherits from itself: ${[...chain, id].join(' -> ')}`, {
      python: 'RecursionError: maximum recursion depth exceeded',
    });
  }
  const document = loadPackDocument(source, id);
  const metadata = document.get('metadata');
  const inherits = metadata instanceof Map ? metadata.get('inherits') : undefined;
  if (inherits === undefined || !pyTruthy(inherits)) return document;
  const ids = parentIds(inherits);
  const parents: PyDict[] = new Array<PyDict>(ids.length);
  for (let i = ids.length - 1; i >= 0; i--) {
    parents[i] = loadWithAncestors(source, pyStr(ids[i] as PyValue), [...chain, id]);
  }
  const [base, ...rest] = parents as [PyDict, ...PyDict[]];
  return compilePolicy(base, [...rest, document]);
}
