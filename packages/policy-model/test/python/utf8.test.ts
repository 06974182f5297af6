import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { PyUnicodeDecodeError, decodePyTextFile, decodePyUtf8 } from '../../src/python/utf8.js';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);
const messageOf = (input: Uint8Array): string => {
  try {
    decodePyUtf8(input);
  } catch (error) {
    return (error as PyUnicodeDecodeError).pythonLine;
  }
  return 'decoded';
};

describe('decodePyUtf8 (Python strict UTF-8)', () => {
  // Each line is what CPython 3.11 prints for `bytes(...).decode('utf-8')`.
  it.each([
    [
      bytes(0x61, 0xff),
      "UnicodeDecodeError: 'utf-8' codec can't decode byte 0xff in position 1: invalid start byte",
    ],
    [
      bytes(0x80),
      "UnicodeDecodeError: 'utf-8' codec can't decode byte 0x80 in position 0: invalid start byte",
    ],
    [
      bytes(0xc0, 0x80),
      "UnicodeDecodeError: 'utf-8' codec can't decode byte 0xc0 in position 0: invalid start byte",
    ],
    [
      bytes(0x61, 0x62, 0xc9, 0x74),
      "UnicodeDecodeError: 'utf-8' codec can't decode byte 0xc9 in position 2: invalid continuation byte",
    ],
    [
      bytes(0xe2, 0x82),
      "UnicodeDecodeError: 'utf-8' codec can't decode bytes in position 0-1: unexpected end of data",
    ],
    [
      bytes(0x61, 0xe2),
      "UnicodeDecodeError: 'utf-8' codec can't decode byte 0xe2 in position 1: unexpected end of data",
    ],
    [
      bytes(0xe2, 0x82, 0x41),
      "UnicodeDecodeError: 'utf-8' codec can't decode bytes in position 0-1: invalid continuation byte",
    ],
    [
      bytes(0xed, 0xa0, 0x80),
      "UnicodeDecodeError: 'utf-8' codec can't decode byte 0xed in position 0: invalid continuation byte",
    ],
    [
      bytes(0xe0, 0x80, 0x80),
      "UnicodeDecodeError: 'utf-8' codec can't decode byte 0xe0 in position 0: invalid continuation byte",
    ],
    [
      bytes(0xf0, 0x9f, 0x98, 0x41),
      "UnicodeDecodeError: 'utf-8' codec can't decode bytes in position 0-2: invalid continuation byte",
    ],
    [
      bytes(0xf0, 0x9f, 0x98),
      "UnicodeDecodeError: 'utf-8' codec can't decode bytes in position 0-2: unexpected end of data",
    ],
    [
      bytes(0xf4, 0x90, 0x80, 0x80),
      "UnicodeDecodeError: 'utf-8' codec can't decode byte 0xf4 in position 0: invalid continuation byte",
    ],
    [
      bytes(0xf5, 0x80),
      "UnicodeDecodeError: 'utf-8' codec can't decode byte 0xf5 in position 0: invalid start byte",
    ],
  ])('%j', (input, line) => {
    expect(messageOf(input)).toBe(line);
  });

  it('keeps a leading BOM (the utf-8 codec, not utf-8-sig)', () => {
    expect(decodePyUtf8(bytes(0xef, 0xbb, 0xbf, 0x7b, 0x7d))).toBe('\uFEFF{}');
  });

  it('reads universal newlines', () => {
    expect(decodePyTextFile(new TextEncoder().encode('a\r\nb\rc\n'))).toBe('a\nb\nc\n');
  });

  test.prop([fc.string({ unit: 'grapheme' })])('round-trips every well-formed string', (text) => {
    expect(decodePyUtf8(new TextEncoder().encode(text))).toBe(text);
  });

  test.prop([fc.uint8Array({ maxLength: 12 })])(
    'fails exactly when the WHATWG fatal decoder fails',
    (input) => {
      let whatwg = true;
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(input);
      } catch {
        whatwg = false;
      }
      expect(messageOf(input) === 'decoded').toBe(whatwg);
      if (!whatwg)
        expect(messageOf(input)).toMatch(
          /^UnicodeDecodeError: 'utf-8' codec can't decode (byte 0x[0-9a-f]{2} in position \d+|bytes in position \d+-\d+): (invalid start byte|invalid continuation byte|unexpected end of data)$/,
        );
    },
  );
});
