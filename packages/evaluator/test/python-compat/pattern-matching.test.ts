import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { compilePattern, compilePatternList } from '../../src/python-compat/pattern-matching.js';

/**
 * An independent reference: the regex Python builds (`re.escape`, `*` runs → `.*`, full match),
 * with Python's `.` written as `[^\n]`. Backtracking, so only for short generated inputs.
 */
const SYNTAX = new Set('\\^$.*+?()[]{}|/'.split(''));
function referenceRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; ) {
    if (pattern[i] === '*') {
      while (pattern[i] === '*') i++;
      source += '[^\\n]*';
      continue;
    }
    const ch = pattern[i++] as string;
    source += SYNTAX.has(ch) ? `\\${ch}` : ch;
  }
  return new RegExp(`^(?:${source})$`);
}
const referenceMatch = (pattern: string, value: string): boolean => referenceRegExp(pattern).test(value);

// Python pattern semantics (docs/python-compatibility.md, "Patterns"); each row's answer is what Python's re.fullmatch gives.
const ROWS: ReadonlyArray<readonly [string, string, boolean]> = [
  ['.env', '.env', true],
  ['.env', 'xenv', false],
  ['**/*.pem', 'key.pem', false],
  ['**/*.pem', 'a/key.pem', true],
  ['**/*.pem', '/key.pem', true],
  ['*.pem', 'a/b/key.pem', true],
  ['iam/**', 'iam/', true],
  ['iam/**', 'iam', false],
  ['terraform apply*', 'terraform apply', true],
  ['terraform apply*', 'terraform  apply', false],
  ['terraform apply*', 'Terraform apply', false],
  ['a*b', 'a\rb', true],
  ['a*b', 'a\nb', false],
  ['a*b', 'a\u2028b', true],
  ['a*b', 'a\u2029b', true],
  ['a*b', 'a\u0085b', true],
  ['a*b', 'a😀b', true],
  ['😀*', '😀x', true],
  ['a?b', 'axb', false],
  ['a?b', 'a?b', true],
  ['[abc]', 'a', false],
  ['[abc]', '[abc]', true],
  ['(a|b)', 'a', false],
  ['a+', 'aa', false],
  ['a{2}', 'aa', false],
  ['^a', 'a', false],
  ['a$', 'a$', true],
  ['a\\*', 'a\\xyz', true],
  ['a\\*', 'a*', false],
  ['a\\b', 'a\\b', true],
  ['***', '', true],
  ['***', 'x/y z', true],
  ['***', 'x\ny', false],
  ['*', 'line1\nline2', false],
  ['*\n*', 'x\ny', true],
  ['a\nb', 'a\nb', true],
  ['', '', true],
  ['', '.', false],
  ['a//b', 'a/b', false],
  ['a//b', 'a//b', true],
  ['a.b', 'a\nb', false],
  ['a b', 'a\tb', false],
  ['curl *|*sh*', 'curl x | sh', true],
  ['gh pr merge*--admin*', 'gh pr merge 12 --admin', true],
];

describe('compilePattern', () => {
  it.each(ROWS)('%j against %j is %s', (pattern, value, expected) => {
    expect(compilePattern(pattern)(value)).toBe(expected);
    expect(referenceMatch(pattern, value)).toBe(expected);
  });

  it('decides hostile patterns in linear time where a backtracking regex explodes', () => {
    const hostile = `${'*a'.repeat(8)}*b`;
    const value = 'a'.repeat(100_000);
    const started = performance.now();
    expect(compilePattern(hostile)(value)).toBe(false);
    expect(compilePattern(hostile)(`${value}b`)).toBe(true);
    expect(compilePattern(`${'*a'.repeat(50)}*b`)(`${'a'.repeat(99_999)}\nb`)).toBe(false);
    // A generous bound, only to catch an exponential regression (the benchmark measures the real time).
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('places a middle piece that contains a newline without skipping another newline', () => {
    expect(compilePattern('*\n\n*')('\n\n\n')).toBe(false);
    expect(compilePattern('x*a\n*b')('xa\nab')).toBe(true);
    expect(compilePattern('*a\n*b')('a\nxa\nb')).toBe(false);
  });
});

// Alphabets chosen to collide with the pattern syntax and Python's special characters.
const alphabet = fc.constantFrom('a', 'b', '*', '\n', '\r', '/', '.', '\\', '?', '[', ']', '$', '^', '|', '\u2028', '😀', ' ');
const patternArb = fc.array(alphabet, { maxLength: 10 }).map((chars) => chars.join(''));
const valueArb = fc.array(fc.constantFrom('a', 'b', '\n', '\r', '/', '.', '\\', '*', '\u2028', '😀', ' '), { maxLength: 14 }).map((chars) =>
  chars.join(''),
);

describe('compilePattern properties', () => {
  test.prop([patternArb, valueArb], { numRuns: 3000 })('agrees with the Python-built regex', (pattern, value) => {
    expect(compilePattern(pattern)(value)).toBe(referenceMatch(pattern, value));
  });

  test.prop([patternArb, valueArb], { numRuns: 1000 })('a value built from the pattern matches it', (pattern, filler) => {
    const safeFiller = filler.replace(/\n/g, '');
    const value = pattern.replace(/\*+/g, () => safeFiller);
    expect(compilePattern(pattern)(value)).toBe(true);
  });

  test.prop([patternArb, valueArb])('runs of stars are one star', (pattern, value) => {
    expect(compilePattern(pattern.replace(/\*/g, '**'))(value)).toBe(compilePattern(pattern)(value));
  });
});

describe('compilePatternList', () => {
  it('reports the first matching pattern in list order', () => {
    const list = compilePatternList(['**/secrets.*', '**/*.pem']);
    expect(list.firstMatch('a/secrets.pem')).toBe('**/secrets.*');
    expect(compilePatternList(['**/*.pem', '**/secrets.*']).firstMatch('a/secrets.pem')).toBe('**/*.pem');
    expect(list.firstMatch('nothing')).toBeUndefined();
  });
});
