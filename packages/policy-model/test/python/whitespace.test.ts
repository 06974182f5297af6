import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { PY_WHITESPACE, pyStrip } from '../../src/python/whitespace.js';

const PY_WS = PY_WHITESPACE.map((code) => String.fromCharCode(code));
// Characters JS trim() treats differently: U+FEFF (JS strips, Python keeps), U+001C..U+001F and U+0085 (the reverse).
const TRICKY = ['\ufeff', '\u001c', '\u001f', '\u0085', '\u200b', '\u180e', 'x', ' ', 'a b'];

describe('pyStrip', () => {
  it('strips exactly the 29 code points of str.isspace()', () => {
    expect(PY_WHITESPACE).toHaveLength(29);
    for (const ws of PY_WS) expect(pyStrip(`${ws}x${ws}`)).toBe('x');
  });

  it.each([
    ['  terraform plan  ', 'terraform plan'],
    ['\u001cterraform plan\u0085', 'terraform plan'],
    ['\ufeffterraform plan', '\ufeffterraform plan'],
    ['\u200bx\u200b', '\u200bx\u200b'],
    ['', ''],
    ['   ', ''],
    ['a \t b', 'a \t b'],
  ])('%j becomes %j', (input, expected) => {
    expect(pyStrip(input)).toBe(expected);
  });

  const padded = fc
    .tuple(
      fc.array(fc.constantFrom(...PY_WS, ...TRICKY), { maxLength: 6 }),
      fc.string({ maxLength: 8 }),
      fc.array(fc.constantFrom(...PY_WS, ...TRICKY), { maxLength: 6 }),
    )
    .map(([a, mid, b]) => a.join('') + mid + b.join(''));

  test.prop([padded], { numRuns: 2000 })('is idempotent and leaves no Python whitespace at the ends', (s) => {
    const out = pyStrip(s);
    expect(pyStrip(out)).toBe(out);
    if (out.length > 0) {
      expect(PY_WHITESPACE).not.toContain(out.charCodeAt(0));
      expect(PY_WHITESPACE).not.toContain(out.charCodeAt(out.length - 1));
    }
    expect(s.includes(out)).toBe(true);
  });
});
