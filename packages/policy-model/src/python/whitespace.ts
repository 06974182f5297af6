/**
 * The 29 code points Python's `str.isspace()` accepts (all in the BMP): what `str.strip()`,
 * `int()` and `float()` strip. Differs from JS `trim()`, which keeps U+001C..U+001F and U+0085 and
 * strips U+FEFF. See docs/python-compatibility.md.
 */
export const PY_WHITESPACE: readonly number[] = [
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002,
  0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
];

const TABLE_SIZE = 0x3001;
const IS_WHITESPACE = new Uint8Array(TABLE_SIZE);
for (const code of PY_WHITESPACE) IS_WHITESPACE[code] = 1;

/** Python's `str.isspace()` for one UTF-16 code unit. */
export const isPyWhitespace = (code: number): boolean => code < TABLE_SIZE && IS_WHITESPACE[code] === 1;

/** Python's `str.strip()` with no argument. */
export function pyStrip(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isPyWhitespace(s.charCodeAt(start))) start++;
  while (end > start && isPyWhitespace(s.charCodeAt(end - 1))) end--;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}
