/**
 * Python string ordering: by Unicode code point.
 *
 * JS `<`, `sort()` and `localeCompare` compare UTF-16 code units (or use locale rules), which
 * disagree with Python whenever a character in U+E000..U+FFFF meets an astral character.
 */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Both code units differ here. A surrogate (D800..DFFF) stands for a code point >= 0x10000,
    // which is above every BMP code unit, including E000..FFFF.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** A new array sorted the way Python's `sorted()` sorts strings. */
export function sortByCodePoint(items: readonly string[]): string[] {
  return [...items].sort(compareCodePoints);
}
