import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { PyBase64Error, pyB64decode } from '../../src/index.js';

const signature = Buffer.from(Array.from({ length: 64 }, (_, i) => (i * 37 + 11) % 256));
const encoded = signature.toString('base64');

describe('pyB64decode (Python base64.b64decode, non-validating)', () => {
  it('decodes standard base64', () => {
    expect(Buffer.from(pyB64decode(encoded)).equals(signature)).toBe(true);
  });

  it('requires the padding', () => {
    expect(() => pyB64decode(encoded.replace(/=+$/, ''))).toThrow(new PyBase64Error('Incorrect padding'));
  });

  it('skips whitespace and characters outside the alphabet', () => {
    expect(Buffer.from(pyB64decode(`${encoded.slice(0, 10)} \n${encoded.slice(10)}`)).equals(signature)).toBe(
      true,
    );
    expect(Buffer.from(pyB64decode(`${encoded}!!`)).equals(signature)).toBe(true);
  });

  it('stops at the first complete padding', () => {
    expect(Buffer.from(pyB64decode(`${encoded}AAAA`)).equals(signature)).toBe(true);
  });

  it('drops the URL-safe characters rather than decoding them', () => {
    const urlSafe = 'ab-_cd==';
    expect(() => pyB64decode(urlSafe)).not.toThrow();
    expect(Buffer.from(pyB64decode(urlSafe)).equals(Buffer.from('abcd', 'base64'))).toBe(true);
    expect(() => pyB64decode('abcde-==')).toThrow(
      'Invalid base64-encoded string: number of data characters (5) cannot be 1 more than a multiple of 4',
    );
  });

  it('refuses non-ASCII text', () => {
    expect(() => pyB64decode(`${encoded}é`)).toThrow('string argument should contain only ASCII characters');
  });

  test.prop([fc.uint8Array({ maxLength: 200 })])('inverts standard encoding', (bytes) => {
    expect(Buffer.from(pyB64decode(Buffer.from(bytes).toString('base64'))).equals(Buffer.from(bytes))).toBe(
      true,
    );
  });

  test.prop([
    fc.uint8Array({ maxLength: 100 }),
    fc.array(fc.tuple(fc.nat(), fc.constantFrom(' ', '\n', '\t', '!', '-', '_', '.', '*')), {
      maxLength: 10,
    }),
  ])('ignores non-alphabet characters inserted anywhere before the padding', (bytes, inserts) => {
    const text = Buffer.from(bytes).toString('base64');
    const body = text.replace(/=+$/, '');
    const chars = [...body];
    for (const [at, ch] of inserts) chars.splice(at % (chars.length + 1), 0, ch);
    const noisy = chars.join('') + text.slice(body.length);
    expect(Buffer.from(pyB64decode(noisy)).equals(Buffer.from(bytes))).toBe(true);
  });
});
