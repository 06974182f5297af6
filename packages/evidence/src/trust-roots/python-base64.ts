/** Python's `binascii.Error` from `base64.b64decode` (a `ValueError`: its text is a verification error line). */
export class PyBase64Error extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PyBase64Error';
  }
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const VALUE = new Map([...ALPHABET].map((c, i) => [c, i]));

/**
 * Python-compatibility rule: `base64.b64decode(s)` without `validate=True`, byte for byte.
 * Unlike `Buffer.from(s, 'base64')` it skips characters outside the standard alphabet (so the
 * URL-safe `-`/`_` are dropped, not decoded), stops at the first complete padding, requires the
 * padding, and refuses non-ASCII text; the error texts are CPython's.
 */
export function pyB64decode(s: string): Uint8Array {
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 0x7f)
      throw new PyBase64Error('string argument should contain only ASCII characters');
  }
  const out: number[] = [];
  let quad = 0;
  let left = 0;
  let pads = 0;
  for (const c of s) {
    if (c === '=') {
      pads++;
      if (quad >= 2 && quad + pads >= 4) return Uint8Array.from(out);
      continue;
    }
    const v = VALUE.get(c);
    if (v === undefined) continue;
    pads = 0;
    if (quad === 0) {
      quad = 1;
      left = v;
    } else if (quad === 1) {
      quad = 2;
      out.push(((left << 2) | (v >> 4)) & 255);
      left = v & 15;
    } else if (quad === 2) {
      quad = 3;
      out.push(((left << 4) | (v >> 2)) & 255);
      left = v & 3;
    } else {
      quad = 0;
      out.push(((left << 6) | v) & 255);
      left = 0;
    }
  }
  if (quad === 1) {
    throw new PyBase64Error(
      `Invalid base64-encoded string: number of data characters (${Math.floor(out.length / 3) * 4 + 1}) cannot be 1 more than a multiple of 4`,
    );
  }
  if (quad !== 0) throw new PyBase64Error('Incorrect padding');
  return Uint8Array.from(out);
}
