/** A compiled CAVRA pattern: `matches(value)` is Python's `re.fullmatch` of the pattern's regex. */
export type PatternMatcher = (value: string) => boolean;

/**
 * Python builds each pattern's regex as `re.escape(pattern)` with every escaped `**` and `*`
 * turned into `.*`, then full-matches it. So a pattern is literal pieces `L0 * L1 * … * Ln`
 * (a run of stars is one star) and each star matches any text without a `\n` (Python's `.`).
 *
 * Python's backtracking regex explodes on patterns like `*a*a*a*b`; this matcher does not:
 * the first and last pieces are anchored, and each middle piece is placed at its leftmost
 * occurrence. Leftmost placement is always safe here: a later placement ends later and leaves
 * a wider gap, and a gap must not contain `\n` (any `\n` must lie inside a literal piece).
 * Cost: O(n·m) worst case for value length n and pattern length m, usually O(n).
 */
export function compilePattern(pattern: string): PatternMatcher {
  const pieces = pattern.split(/\*+/);
  if (pieces.length === 1) return (value) => value === pattern;
  const first = pieces[0] as string;
  const last = pieces[pieces.length - 1] as string;
  const middle = pieces.slice(1, -1).filter((piece) => piece !== '');
  const fixedLength = first.length + last.length;

  return (value) => {
    if (value.length < fixedLength || !value.startsWith(first) || !value.endsWith(last)) return false;
    const limit = value.length - last.length;
    let position = first.length;
    let newline = value.indexOf('\n', position);
    for (const piece of middle) {
      const found = value.indexOf(piece, position);
      if (found === -1 || found + piece.length > limit) return false;
      if (newline !== -1 && newline < found) return false;
      position = found + piece.length;
      if (newline !== -1 && newline < position) newline = value.indexOf('\n', position);
    }
    return newline === -1 || newline >= limit;
  };
}

/** The first pattern (in list order) that matches, or undefined. */
export interface PatternList {
  readonly patterns: readonly string[];
  firstMatch(value: string): string | undefined;
}

export function compilePatternList(patterns: readonly string[]): PatternList {
  const matchers = patterns.map(compilePattern);
  return {
    patterns,
    firstMatch(value) {
      for (let i = 0; i < matchers.length; i++) {
        if ((matchers[i] as PatternMatcher)(value)) return patterns[i];
      }
      return undefined;
    },
  };
}
