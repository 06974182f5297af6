import { isAlias, isMap, isPair, isScalar, isSeq, type Node as YamlAstNode, type Pair } from 'yaml';
import { decodeDoubleQuoted } from './double-quoted.js';
import { PyYamlError, type PyYamlMark } from './errors.js';
import { resolveScalarTag } from './resolve.js';
import { TAG } from './tags.js';

/**
 * PyYAML's representation graph (nodes.py): one object per node, aliases share the node of
 * their anchor, tags already resolved. Mapping values are `[key, value]` pairs in document
 * order (duplicates kept), so the constructor can replay PyYAML's dict building exactly.
 */
export type YNode = YScalarNode | YSequenceNode | YMappingNode;
export interface YScalarNode {
  readonly id: 'scalar';
  tag: string;
  readonly value: string;
  readonly start: number;
}
export interface YSequenceNode {
  readonly id: 'sequence';
  tag: string;
  readonly value: YNode[];
  readonly start: number;
}
export interface YMappingNode {
  readonly id: 'mapping';
  tag: string;
  value: Array<[YNode, YNode]>;
  readonly start: number;
}

export type MarkAt = (offset: number) => PyYamlMark;

/**
 * PyYAML composes recursively and fails with RecursionError past about 490 nested collections
 * under Python's default recursion limit (the exact depth depends on the caller's stack).
 */
export const MAX_DEPTH = 490;

/**
 * Turns one `yaml` document (parsed with the failsafe schema, so every scalar is still its
 * source text) into PyYAML nodes, with PyYAML's composer rules for anchors and aliases.
 */
export function composeDocument(contents: YamlAstNode | null, text: string, markAt: MarkAt, emptyOffset: number): YNode {
  const anchors = new Map<string, YNode>();

  let depth = 0;
  const compose = (ast: unknown, fallbackOffset: number, inFlow: boolean): YNode => {
    depth++;
    try {
      if (depth > MAX_DEPTH) throw new PyYamlError('RecursionError', 'maximum recursion depth exceeded');
      return composeNode(ast, fallbackOffset, inFlow);
    } finally {
      depth--;
    }
  };

  const composeNode = (ast: unknown, fallbackOffset: number, inFlow: boolean): YNode => {
    if (ast === null || ast === undefined) {
      // An omitted key or value (`? x`, `: x`, `a:`): PyYAML composes an empty plain scalar.
      return { id: 'scalar', tag: resolveScalarTag('', true), value: '', start: fallbackOffset };
    }
    if (isAlias(ast)) {
      const target = anchors.get(ast.source);
      if (!target) {
        throw new PyYamlError('ComposerError', {
          problem: `found undefined alias ${quote(ast.source)}`,
          problemMark: markAt(ast.range?.[0] ?? fallbackOffset),
        });
      }
      return target;
    }
    const node = ast as YamlAstNode;
    const start = node.range?.[0] ?? fallbackOffset;
    const anchor = node.anchor;
    if (anchor !== undefined) {
      const first = anchors.get(anchor);
      if (first) {
        throw new PyYamlError('ComposerError', {
          context: `found duplicate anchor ${quote(anchor)}; first occurrence`,
          contextMark: markAt(first.start),
          problem: 'second occurrence',
          problemMark: markAt(start),
        });
      }
    }
    const explicit = node.tag === undefined || node.tag === '!' ? undefined : node.tag;
    if (isScalar(node)) {
      if (inFlow && node.type === 'PLAIN') rejectFlowIndicators(node.source ?? '', start);
      // The failsafe schema leaves scalars as their text; `source` covers any tag it still resolved.
      let value = typeof node.value === 'string' ? node.value : (node.source ?? '');
      if (node.type === 'QUOTE_DOUBLE' && node.range) {
        try {
          value = decodeDoubleQuoted(text.slice(node.range[0], node.range[1]));
        } catch {
          // An escape `yaml` accepted but PyYAML's decoder cannot express: keep `yaml`'s reading.
        }
      }
      const implicit = (node.type === 'PLAIN' && node.tag === undefined) || node.tag === '!';
      const scalar: YScalarNode = { id: 'scalar', tag: explicit ?? resolveScalarTag(value, implicit), value, start };
      if (anchor !== undefined) anchors.set(anchor, scalar);
      return scalar;
    }
    if (isSeq(node)) {
      const seq: YSequenceNode = { id: 'sequence', tag: explicit ?? TAG.seq, value: [], start };
      // Registered before the items, as in PyYAML, so an item may alias its own parent.
      if (anchor !== undefined) anchors.set(anchor, seq);
      for (const item of node.items) {
        if (isPair(item)) seq.value.push(composePairAsMap(item, start));
        else seq.value.push(compose(item, start, inFlow || Boolean(node.flow)));
      }
      return seq;
    }
    if (isMap(node)) {
      const map: YMappingNode = { id: 'mapping', tag: explicit ?? TAG.map, value: [], start };
      if (anchor !== undefined) anchors.set(anchor, map);
      for (const pair of node.items) {
        rejectEmptyImplicitKey(pair, Boolean(node.flow), start);
        if (node.flow) rejectMultilineFlowKey(pair, start);
        const flow = inFlow || Boolean(node.flow);
        const key = compose(pair.key, start, flow);
        const keyEnd = (pair.key as YamlAstNode | null)?.range?.[1] ?? key.start;
        map.value.push([key, compose(pair.value, keyEnd, flow)]);
      }
      return map;
    }
    throw new PyYamlError('ParserError', { problem: 'unsupported node', problemMark: markAt(start) });
  };

  // A bare pair in a flow sequence (`[a: 1]`) is a single-pair mapping in PyYAML.
  const composePairAsMap = (pair: Pair, offset: number): YMappingNode => {
    rejectEmptyImplicitKey(pair, true, offset);
    rejectMultilineFlowKey(pair, offset);
    const key = compose(pair.key, offset, true);
    return { id: 'mapping', tag: TAG.map, value: [[key, compose(pair.value, key.start, true)]], start: key.start };
  };

  // In flow context PyYAML reads a leading `:` as a value indicator and ends plain scalars at `?`.
  const rejectFlowIndicators = (source: string, start: number): void => {
    const at = source.startsWith(':') ? 0 : source.indexOf('?');
    if (at < 0) return;
    throw new PyYamlError('ParserError', {
      context: 'while parsing a flow node',
      contextMark: markAt(start),
      problem: `expected the node content, but found '${source[at] as string}'`,
      problemMark: markAt(start + at),
    });
  };

  // An implicit key in a flow collection must fit on one line in PyYAML (a "simple key").
  const rejectMultilineFlowKey = (pair: Pair, start: number): void => {
    const range = (pair.key as YamlAstNode | null)?.range;
    if (!range || pair.srcToken?.start.some((t) => t.type === 'explicit-key-ind')) return;
    if (!text.slice(range[0], range[1]).includes('\n')) return;
    throw new PyYamlError('ParserError', {
      context: 'while parsing a flow mapping',
      contextMark: markAt(start),
      problem: "expected ',' or '}', but got '<scalar>'",
      problemMark: markAt(range[1]),
    });
  };

  // `: x` with neither a key nor `?`: YAML 1.2 allows the empty key, PyYAML's parser does not.
  const rejectEmptyImplicitKey = (pair: Pair, flow: boolean, start: number): void => {
    const token = pair.srcToken;
    const key = pair.key;
    const emptyKey =
      key === null ||
      (isScalar(key) && key.source === '' && key.type === 'PLAIN' && key.tag === undefined && key.anchor === undefined);
    if (!emptyKey || token?.start.some((t) => t.type === 'explicit-key-ind')) return;
    const colon = token && 'sep' in token ? token.sep?.find((t) => t.type === 'map-value-ind') : undefined;
    throw new PyYamlError('ParserError', {
      context: flow ? 'while parsing a flow node' : 'while parsing a block mapping',
      contextMark: markAt(start),
      problem: flow ? "expected the node content, but found ':'" : "expected <block end>, but found ':'",
      problemMark: markAt(colon?.offset ?? start),
    });
  };

  return compose(contents, emptyOffset, false);
}

const quote = (s: string): string => (s.includes("'") && !s.includes('"') ? `"${s}"` : `'${s}'`);
