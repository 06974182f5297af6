/** PyYAML's `ESCAPE_REPLACEMENTS` (scanner.py). */
const REPLACEMENTS: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\x08',
  t: '\x09',
  '\t': '\x09',
  n: '\x0A',
  v: '\x0B',
  f: '\x0C',
  r: '\x0D',
  e: '\x1B',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  N: '\x85',
  _: '\xA0',
  L: '\u2028',
  P: '\u2029',
};
const CODE_LENGTHS: Record<string, number> = { x: 2, u: 4, U: 8 };

/**
 * The value of a double-quoted scalar (`raw` includes both quotes and is already known to be
 * well-formed), decoded as PyYAML's `scan_flow_scalar` does. `yaml` folds an escaped line break
 * followed by empty lines differently (`"a\<LF><LF>b"` is `"a\nb"` in PyYAML, `"a b"` in `yaml`).
 */
export function decodeDoubleQuoted(raw: string): string {
  let i = 1;
  const end = raw.length - 1;
  let out = '';

  // Empty lines after a line break: each gives "\n"; leading blanks of the next line go.
  const breaks = (): string => {
    let chunk = '';
    for (;;) {
      while (raw[i] === ' ' || raw[i] === '\t') i++;
      if (i < end && raw[i] === '\n') {
        chunk += '\n';
        i++;
      } else return chunk;
    }
  };

  while (i < end) {
    const ch = raw[i] as string;
    if (ch === ' ' || ch === '\t') {
      const from = i;
      while (raw[i] === ' ' || raw[i] === '\t') i++;
      if (i < end && raw[i] === '\n') {
        i++;
        const empty = breaks();
        out += empty === '' ? ' ' : empty;
      } else out += raw.slice(from, i);
    } else if (ch === '\n') {
      i++;
      const empty = breaks();
      out += empty === '' ? ' ' : empty;
    } else if (ch === '\\') {
      const next = raw[i + 1] as string;
      if (next === '\n') {
        i += 2;
        out += breaks();
      } else if (next in CODE_LENGTHS) {
        const length = CODE_LENGTHS[next] as number;
        out += String.fromCodePoint(parseInt(raw.slice(i + 2, i + 2 + length), 16));
        i += 2 + length;
      } else {
        out += REPLACEMENTS[next] ?? next;
        i += 2;
      }
    } else {
      out += ch;
      i++;
    }
  }
  return out;
}
