import type { YNode } from './compose.js';

/**
 * How many nodes aliases may add when the document is expanded as a tree (every alias counted
 * as a full copy of its anchor). PyYAML shares aliased objects, but everything after loading
 * (compile's deep copies, `str()` of pattern items, JSON output) walks the tree, so a 1 KB
 * "billion laughs" (9 levels × 10 aliases) costs gigabytes. Real policies stay far below this.
 */
export const MAX_ALIAS_EXPANSION = 100_000;

/** A YAML document refused for its size once aliases are expanded (not a PyYAML error: PyYAML loads it). */
export class YamlAliasExpansionError extends Error {
  constructor(readonly limit: number) {
    super(
      `YAML aliases expand this document by more than ${limit} nodes (nested aliases of aliases, a "billion laughs" pattern); refused before it is used`,
    );
    this.name = 'YamlAliasExpansionError';
  }
}

/**
 * Throws `YamlAliasExpansionError` when the tree expansion of `root` has more than
 * `MAX_ALIAS_EXPANSION` nodes beyond the distinct nodes of the graph. Sizes are memoised per
 * node, so the check is linear in the graph; a node met again while it is being sized (a
 * recursive document) counts once, as the constructor builds it once.
 */
export function checkAliasExpansion(root: YNode, limit = MAX_ALIAS_EXPANSION): void {
  const sizes = new Map<YNode, number>();
  const sizing = new Set<YNode>();
  const distinct = new Set<YNode>();
  const size = (node: YNode): number => {
    distinct.add(node);
    const known = sizes.get(node);
    if (known !== undefined) return known;
    if (node.id === 'scalar' || sizing.has(node)) return 1;
    sizing.add(node);
    let total = 1;
    if (node.id === 'sequence') for (const item of node.value) total += size(item);
    else for (const [key, value] of node.value) total += size(key) + size(value);
    sizing.delete(node);
    // Capped: only "more than the bound" matters, and the cap keeps the sums exact numbers.
    total = Math.min(total, Number.MAX_SAFE_INTEGER / 4);
    sizes.set(node, total);
    return total;
  };
  const expanded = size(root);
  if (expanded - distinct.size > limit) throw new YamlAliasExpansionError(limit);
}
