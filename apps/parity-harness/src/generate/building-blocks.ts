import fc from 'fast-check';

// Building blocks shared by the per-action generators: characters that break naive ports,
// pattern instances, near misses and "absent or present" fields.

/** One generated action: the request fields and, for MCP calls, maybe a trust registry. */
export type Action = { request: Record<string, string>; registry?: Record<string, unknown> };

/** Python `str.isspace()` ∪ JS `\s`; U+FEFF is JS-only, U+001C–1F/U+0085 Python-only. */
export const PY_WHITESPACE = [
  '\t',
  '\n',
  '\v',
  '\f',
  '\r',
  '\u001c',
  '\u001d',
  '\u001e',
  '\u001f',
  ' ',
  '\u0085',
  '\u00a0',
  '\u1680',
  '\u2000',
  '\u2001',
  '\u2002',
  '\u2003',
  '\u2004',
  '\u2005',
  '\u2006',
  '\u2007',
  '\u2008',
  '\u2009',
  '\u200a',
  '\u2028',
  '\u2029',
  '\u202f',
  '\u205f',
  '\u3000',
];
export const JS_ONLY_WHITESPACE = ['\ufeff'];

/** Not whitespace on either side, but looks like it. */
export const NEAR_WHITESPACE = ['\u180e', '\u200b'];

/** Characters that break naive ports: path separators, regex syntax, line breaks Python's `.` accepts, astral. */
const TRICKY = [
  '/',
  '.',
  '*',
  '?',
  '[',
  ']',
  '(',
  ')',
  '|',
  '+',
  '^',
  '$',
  '{',
  '}',
  '\\',
  '-',
  ' ',
  '~',
  '#',
  ':',
  'é',
  '😀',
  '\r',
  '\n',
  '\u2028',
  '\u2029',
  '\u0085',
  '\t',
  '\u0000',
  'a',
  'Z',
  '0',
];

export const trickyString = fc
  .array(fc.constantFrom(...TRICKY), { maxLength: 5 })
  .map((chars) => chars.join(''));

/** Wildcard fillers: empty first (shrinks there), then tricky characters, printable ASCII, words that matter. */
export const filler: fc.Arbitrary<string> = fc.oneof(
  { withCrossShrink: true },
  { weight: 3, arbitrary: fc.constant('') },
  { weight: 5, arbitrary: trickyString },
  { weight: 2, arbitrary: fc.string({ maxLength: 6 }) },
  { weight: 1, arbitrary: fc.constantFrom('apply', 'delete', 'main', 'master', '..', './', '//', 'x/y') },
);

/** Fill each run of `*` in a pattern with a filler (patterns have no other syntax). */
export function instantiate(pattern: string, fills: readonly string[]): string {
  const pieces = pattern.split(/\*+/);
  return pieces.reduce(
    (out, piece, i) => (i === 0 ? piece : out + (fills[(i - 1) % fills.length] ?? '') + piece),
    '',
  );
}

/** Small edits that turn a match into a near miss. */
const NEAR_MISS = [
  'none',
  'none',
  'none',
  'upper',
  'drop-last',
  'prefix',
  'suffix-newline',
  'suffix-space',
] as const;
function nearMiss(value: string, kind: (typeof NEAR_MISS)[number]): string {
  switch (kind) {
    case 'upper':
      return value.toUpperCase();
    case 'drop-last':
      return Array.from(value).slice(0, -1).join(''); // by code point: a lone surrogate cannot be recorded
    case 'prefix':
      return 'x' + value;
    case 'suffix-newline':
      return value + '\n';
    case 'suffix-space':
      return value + ' ';
    default:
      return value;
  }
}

export function patternInstance(patterns: readonly string[]): fc.Arbitrary<string> {
  if (patterns.length === 0) return trickyString;
  return fc
    .record({
      pattern: fc.constantFrom(...patterns),
      fills: fc.array(filler, { minLength: 3, maxLength: 3 }),
      miss: fc.constantFrom(...NEAR_MISS),
    })
    .map(({ pattern, fills, miss }) => nearMiss(instantiate(pattern, fills), miss));
}

/** Absent (weight `absentWeight` : `presentWeight`), shrinking towards absent: "absent" and "present" are different inputs. */
export const absentOr = <T>(
  arb: fc.Arbitrary<T>,
  absentWeight = 1,
  presentWeight = 2,
): fc.Arbitrary<T | undefined> =>
  fc.oneof(
    { withCrossShrink: true },
    { weight: absentWeight, arbitrary: fc.constant(undefined) },
    { weight: presentWeight, arbitrary: arb },
  );
