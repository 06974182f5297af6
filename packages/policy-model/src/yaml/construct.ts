import { pyDayNumber } from '../python/dates.js';
import { pyStrRepr } from '../python/repr.js';
import { PyBytes, PyDate, PyDateTime, type PyDict, type PyValue } from '../python/value.js';
import type { MarkAt, YMappingNode, YNode } from './compose.js';
import { PyYamlError } from './errors.js';
import { constructBinary, constructBool, constructFloat, constructInt, constructTimestamp } from './scalars.js';
import { TAG } from './tags.js';

/**
 * `target.push(...items)` without spreading: a spread passes every item as an argument, and a
 * list of ~130,000 items overflows V8's argument limit (a RangeError that used to surface as a
 * false "maximum recursion depth exceeded").
 */
function appendAll<T>(target: T[], items: readonly T[]): void {
  for (const item of items) target.push(item);
}

/**
 * PyYAML's SafeConstructor over the node graph. Containers are built in two phases as in
 * PyYAML (an empty container is cached first and filled by a deferred "state generator",
 * processed level by level), so aliases, recursion and the order in which errors surface
 * match Python.
 */
export function constructDocument(root: YNode, markAt: MarkAt): PyValue {
  const constructed = new Map<YNode, PyValue>();
  const inProgress = new Set<YNode>();
  let pending: Array<() => void> = [];

  const fail = (pythonType: string, problem: string, node: YNode, context?: string, contextNode?: YNode): never => {
    throw new PyYamlError(pythonType, {
      context,
      contextMark: contextNode ? markAt(contextNode.start) : undefined,
      problem,
      problemMark: markAt(node.start),
    });
  };

  // SafeConstructor.construct_scalar: a mapping with a `=` key stands for that key's value.
  const constructScalar = (node: YNode): string => {
    if (node.id === 'mapping') {
      for (const [key, value] of node.value) if (key.tag === TAG.value) return constructScalar(value);
    }
    if (node.id !== 'scalar') return fail('ConstructorError', `expected a scalar node, but found ${node.id}`, node);
    return node.value;
  };

  const withMark = <T>(node: YNode, build: () => T): T => {
    try {
      return build();
    } catch (error) {
      // Builtin exceptions carry no mark in Python; YAML ones raised here get the node's mark.
      if (error instanceof PyYamlError && error.pythonType === 'ConstructorError' && !error.problemMark) {
        fail('ConstructorError', error.problem, node);
      }
      throw error;
    }
  };

  const flattenMapping = (node: YMappingNode): void => {
    const merge: Array<[YNode, YNode]> = [];
    let index = 0;
    while (index < node.value.length) {
      const [keyNode, valueNode] = node.value[index] as [YNode, YNode];
      if (keyNode.tag === TAG.merge) {
        // Deleted before recursing, as PyYAML does, so self-merges terminate.
        node.value.splice(index, 1);
        if (valueNode.id === 'mapping') {
          flattenMapping(valueNode);
          appendAll(merge, valueNode.value);
        } else if (valueNode.id === 'sequence') {
          const submerge: Array<Array<[YNode, YNode]>> = [];
          for (const subnode of valueNode.value) {
            if (subnode.id !== 'mapping') {
              fail(
                'ConstructorError',
                `expected a mapping for merging, but found ${subnode.id}`,
                subnode,
                'while constructing a mapping',
                node,
              );
            } else {
              flattenMapping(subnode);
              submerge.push(subnode.value);
            }
          }
          // Later mappings first, so earlier ones overwrite them: `<<: [*x, *y]` lets x win.
          for (const pairs of submerge.reverse()) appendAll(merge, pairs);
        } else {
          fail(
            'ConstructorError',
            `expected a mapping or list of mappings for merging, but found ${valueNode.id}`,
            valueNode,
            'while constructing a mapping',
            node,
          );
        }
      } else {
        if (keyNode.tag === TAG.value) keyNode.tag = TAG.str;
        index += 1;
      }
    }
    if (merge.length > 0) node.value = [...merge, ...node.value];
  };

  const constructMapping = (node: YNode): Array<[PyValue, PyValue]> => {
    if (node.id === 'mapping') flattenMapping(node);
    if (node.id !== 'mapping') return fail('ConstructorError', `expected a mapping node, but found ${node.id}`, node);
    const dict = new PyDictBuilder();
    for (const [keyNode, valueNode] of node.value) {
      const key = constructObject(keyNode);
      if (Array.isArray(key) || key instanceof Map) {
        fail('ConstructorError', 'found unhashable key', keyNode, 'while constructing a mapping', node);
      }
      dict.set(key, constructObject(valueNode));
    }
    return dict.entries();
  };

  const constructSequence = (node: YNode): PyValue[] => {
    if (node.id !== 'sequence') return fail('ConstructorError', `expected a sequence node, but found ${node.id}`, node);
    return node.value.map((child) => constructObject(child));
  };

  // !!omap and !!pairs give a list of (key, value) tuples in Python; tuples become 2-item lists.
  const constructPairsList = (node: YNode, context: string): PyValue[] => {
    if (node.id !== 'sequence') return fail('ConstructorError', `expected a sequence, but found ${node.id}`, node, context, node);
    return node.value.map((subnode) => {
      if (subnode.id !== 'mapping') {
        return fail('ConstructorError', `expected a mapping of length 1, but found ${subnode.id}`, subnode, context, node);
      }
      if (subnode.value.length !== 1) {
        return fail(
          'ConstructorError',
          `expected a single mapping item, but found ${subnode.value.length} items`,
          subnode,
          context,
          node,
        );
      }
      const [keyNode, valueNode] = subnode.value[0] as [YNode, YNode];
      const key = constructObject(keyNode);
      return [key, constructObject(valueNode)];
    });
  };

  const twoPhase = <T extends PyValue>(empty: T, fill: (data: T) => void): T => {
    pending.push(() => fill(empty));
    return empty;
  };

  const constructByTag = (node: YNode): PyValue => {
    switch (node.tag) {
      case TAG.null:
        constructScalar(node);
        return null;
      case TAG.bool:
        return constructBool(constructScalar(node));
      case TAG.int:
        return constructInt(constructScalar(node));
      case TAG.float:
        return constructFloat(constructScalar(node));
      case TAG.binary:
        return withMark(node, () => constructBinary(constructScalar(node)));
      case TAG.timestamp:
        return constructTimestamp(constructScalar(node));
      case TAG.str:
        return constructScalar(node);
      case TAG.seq:
        return twoPhase<PyValue[]>([], (data) => appendAll(data, constructSequence(node)));
      case TAG.map:
        return twoPhase<PyDict>(new Map(), (data) => {
          for (const [k, v] of constructMapping(node)) data.set(k, v);
        });
      // A Python set has no PyValue counterpart; it becomes a dict whose values are None.
      case TAG.set:
        return twoPhase<PyDict>(new Map(), (data) => {
          for (const [k] of constructMapping(node)) data.set(k, null);
        });
      case TAG.omap:
        return twoPhase<PyValue[]>([], (data) => appendAll(data, constructPairsList(node, 'while constructing an ordered map')));
      case TAG.pairs:
        return twoPhase<PyValue[]>([], (data) => appendAll(data, constructPairsList(node, 'while constructing pairs')));
      default:
        return fail('ConstructorError', `could not determine a constructor for the tag ${pyStrRepr(node.tag)}`, node);
    }
  };

  const constructObject = (node: YNode): PyValue => {
    if (constructed.has(node)) return constructed.get(node) as PyValue;
    if (inProgress.has(node)) return fail('ConstructorError', 'found unconstructable recursive node', node);
    inProgress.add(node);
    const data = constructByTag(node);
    constructed.set(node, data);
    inProgress.delete(node);
    return data;
  };

  const data = constructObject(root);
  while (pending.length > 0) {
    const generators = pending;
    pending = [];
    for (const run of generators) run();
  }
  return data;
}

/**
 * A Python dict under construction: equal keys (Python `==`/`hash`, so `1`, `1.0` and `True`
 * collide) keep the first key object and its position, and take the last value.
 */
class PyDictBuilder {
  private readonly slots = new Map<string, [PyValue, PyValue]>();

  set(key: PyValue, value: PyValue): void {
    const hashKey = pyHashKey(key);
    const slot = this.slots.get(hashKey);
    if (slot) slot[1] = value;
    else this.slots.set(hashKey, [key, value]);
  }

  entries(): Array<[PyValue, PyValue]> {
    return [...this.slots.values()];
  }
}

/** A string that is equal for two hashable values exactly when Python's dict treats them as the same key. */
export function pyHashKey(value: PyValue): string {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'i:1' : 'i:0';
  if (typeof value === 'bigint') return `i:${value}`;
  if (typeof value === 'number') {
    // Every `.nan` is PyYAML's one shared NaN object, which dict lookup finds by identity.
    if (Number.isNaN(value)) return 'nan';
    if (Number.isInteger(value)) return `i:${BigInt(value)}`;
    return `f:${value}`;
  }
  if (typeof value === 'string') return `s:${value}`;
  if (value instanceof PyDate) return `d:${value.year}-${value.month}-${value.day}`;
  if (value instanceof PyDateTime) {
    const { year, month, day, hour, minute, second, microsecond, utcOffsetMinutes } = value;
    if (utcOffsetMinutes === null) return `dn:${year}-${month}-${day}-${hour}-${minute}-${second}-${microsecond}`;
    // Aware datetimes are equal when they denote the same instant.
    const minutes = (pyDayNumber(year, month, day) * 24 + hour) * 60 + minute - utcOffsetMinutes;
    return `da:${(BigInt(minutes) * 60n + BigInt(second)) * 1_000_000n + BigInt(microsecond)}`;
  }
  if (value instanceof PyBytes) return `b:${Array.from(value.bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
  throw new TypeError(`unhashable type: '${Array.isArray(value) ? 'list' : 'dict'}'`);
}
