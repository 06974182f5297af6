/**
 * Python's strict UTF-8 codec (`bytes.decode('utf-8')`, `open(path, encoding='utf-8').read()`):
 * the same accepted byte sequences as the WHATWG decoder, a leading BOM kept as U+FEFF (it is the
 * `utf-8-sig` codec that drops it), and on failure CPython's exact `UnicodeDecodeError` text.
 * See docs/python-compatibility.md, "Reading a text file".
 */
export class PyUnicodeDecodeError extends Error {
  constructor(
    message: string,
    /** Offset of the first bad byte. */
    readonly start: number,
    /** Offset just after the bad sequence (CPython's `end`). */
    readonly end: number,
  ) {
    super(message);
    this.name = 'PyUnicodeDecodeError';
  }

  /** The line Python prints: `UnicodeDecodeError: 'utf-8' codec can't decode …`. */
  get pythonLine(): string {
    return `UnicodeDecodeError: ${this.message}`;
  }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

const isContinuation = (byte: number | undefined): boolean =>
  byte !== undefined && byte >= 0x80 && byte <= 0xbf;

/**
 * Where CPython's decoder stops (`Objects/stringlib/codecs.h`, `utf8_decode`): the first bad
 * sequence's start, the number of bytes it reports, and why.
 */
function findDecodeError(bytes: Uint8Array): { start: number; length: number; reason: string } | undefined {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const lead = bytes[i] as number;
    if (lead < 0x80) {
      i++;
      continue;
    }
    const invalidStart = { start: i, length: 1, reason: 'invalid start byte' };
    const continuation = (length: number) => ({ start: i, length, reason: 'invalid continuation byte' });
    const endOfData = { start: i, length: n - i, reason: 'unexpected end of data' };
    if (lead < 0xc2) return invalidStart;
    if (lead < 0xe0) {
      if (n - i < 2) return endOfData;
      if (!isContinuation(bytes[i + 1])) return continuation(1);
      i += 2;
      continue;
    }
    if (lead < 0xf0) {
      const second = bytes[i + 1];
      // E0 needs A0..BF second (no overlong forms), ED needs 80..9F (no surrogates).
      const secondOk =
        isContinuation(second) &&
        !(lead === 0xe0 && (second as number) < 0xa0) &&
        !(lead === 0xed && (second as number) >= 0xa0);
      if (n - i < 2) return endOfData;
      if (!secondOk) return continuation(1);
      if (n - i < 3) return endOfData;
      if (!isContinuation(bytes[i + 2])) return continuation(2);
      i += 3;
      continue;
    }
    if (lead < 0xf5) {
      const second = bytes[i + 1];
      // F0 needs 90..BF second (no overlong forms), F4 needs 80..8F (nothing above U+10FFFF).
      const secondOk =
        isContinuation(second) &&
        !(lead === 0xf0 && (second as number) < 0x90) &&
        !(lead === 0xf4 && (second as number) >= 0x90);
      if (n - i < 2) return endOfData;
      if (!secondOk) return continuation(1);
      if (n - i < 3) return endOfData;
      if (!isContinuation(bytes[i + 2])) return continuation(2);
      if (n - i < 4) return endOfData;
      if (!isContinuation(bytes[i + 3])) return continuation(3);
      i += 4;
      continue;
    }
    return invalidStart;
  }
  return undefined;
}

/** Decode UTF-8 as Python does; throws `PyUnicodeDecodeError` with CPython's message. */
export function decodePyUtf8(bytes: Uint8Array): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    const found = findDecodeError(bytes);
    // The WHATWG and CPython decoders accept the same sequences; this only guards that claim.
    if (found === undefined)
      throw new PyUnicodeDecodeError("'utf-8' codec can't decode the data", 0, bytes.length);
    const { start, length, reason } = found;
    const where =
      length === 1
        ? `byte 0x${(bytes[start] as number).toString(16).padStart(2, '0')} in position ${start}`
        : `bytes in position ${start}-${start + length - 1}`;
    throw new PyUnicodeDecodeError(`'utf-8' codec can't decode ${where}: ${reason}`, start, start + length);
  }
}

/** Python text mode's universal newlines: `\r\n` and a lone `\r` read as `\n`. */
export const pyUniversalNewlines = (text: string): string =>
  text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;

/** `open(path, encoding='utf-8').read()` on the file's bytes: strict UTF-8, BOM kept, universal newlines. */
export const decodePyTextFile = (bytes: Uint8Array): string => pyUniversalNewlines(decodePyUtf8(bytes));
