import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { pyPathString } from '../../src/python/pure-posix-path.js';

// docs/python-compatibility.md, "Paths"; each row is Python's str(PurePosixPath(s)).
const ROWS: ReadonlyArray<readonly [string, string]> = [
  ['', '.'],
  ['.', '.'],
  ['./', '.'],
  ['./x', 'x'],
  ['./.env', '.env'],
  ['./././.env', '.env'],
  ['x/', 'x'],
  ['x//', 'x'],
  ['a//b', 'a/b'],
  ['/a', '/a'],
  ['//a', '//a'],
  ['///a', '/a'],
  ['////a', '/a'],
  ['/', '/'],
  ['//', '//'],
  ['///', '/'],
  ['//a//b/', '//a/b'],
  ['a/./b', 'a/b'],
  ['.../x', '.../x'],
  ['a/../b', 'a/../b'],
  ['../a', '../a'],
  ['a/..', 'a/..'],
  ['/..', '/..'],
  ['~', '~'],
  ['~/x', '~/x'],
  ['a/.', 'a'],
  ['x/./y/.', 'x/y'],
  ['/.', '/'],
  ['//.', '//'],
  ['.//.', '.'],
  ['a\\b', 'a\\b'],
  ['a\\..\\b', 'a\\..\\b'],
  ['C:\\x', 'C:\\x'],
  ['a\nb', 'a\nb'],
  ['a/\n/b', 'a/\n/b'],
  [' a ', ' a '],
  ['a /', 'a '],
  ['a\u0000b', 'a\u0000b'],
];

/** An independent reference algorithm, without the fast path. */
function reference(s: string): string {
  const root = s.startsWith('/') ? (s.startsWith('//') && !s.startsWith('///') ? '//' : '/') : '';
  const out =
    root +
    s
      .split('/')
      .filter((p) => p !== '' && p !== '.')
      .join('/');
  return out === '' ? '.' : out;
}

const pathArb = fc
  .array(fc.constantFrom('/', '.', '..', 'a', '.env', '\\', ' ', '\n', 'é', '😀', '~'), { maxLength: 12 })
  .map((parts) => parts.join(''));

describe('pyPathString', () => {
  it.each(ROWS)('%j becomes %j', (input, expected) => {
    expect(pyPathString(input)).toBe(expected);
  });

  test.prop([pathArb], { numRuns: 2000 })('equals the reference algorithm', (path) => {
    expect(pyPathString(path)).toBe(reference(path));
  });

  test.prop([pathArb])('is idempotent', (path) => {
    const once = pyPathString(path);
    expect(pyPathString(once)).toBe(once);
  });

  test.prop([pathArb])('never ends with "/" unless it is a root', (path) => {
    const out = pyPathString(path);
    if (out !== '/' && out !== '//') expect(out.endsWith('/')).toBe(false);
  });
});
