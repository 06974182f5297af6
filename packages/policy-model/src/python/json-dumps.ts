import { PyOrderTypeError, pyLess, pySorted } from './order.js';
import { pyFloatRepr } from './repr.js';
import { PyBytes, PyDate, PyDateTime, pyTypeName, type PyValue } from './value.js';

/** Python's `TypeError: Object of type date is not JSON serializable` (and friends). */
export class PyJsonTypeError extends Error {
  constructor(
    readonly pythonType: string,
    /** Python's message, when it is not the "not JSON serializable" one (bad keys, unorderable keys). */
    message = `Object of type ${pythonType} is not JSON serializable`,
  ) {
    super(message);
    this.name = 'PyJsonTypeError';
  }
}

export interface PyJsonDumpOptions {
  /** `indent=N`: newline plus N spaces per level, `","` at line ends. Omitted: one line with `", "` / `": "`. */
  indent?: number;
  /** `ensure_ascii=True` (Python's default) escapes every non-ASCII code unit as `\uXXXX`. */
  ensureAscii?: boolean;
  /** `sort_keys=True`. */
  sortKeys?: boolean;
  /** `separators=(item, key)`, e.g. `[',', ':']` for compact output. Default: Python's for the indent. */
  separators?: readonly [string, string];
}

// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /["\\\u0000-\u001f]/;
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE_ASCII = /["\\\u0000-\u001f\u007f-\uffff]/;
const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/** A JSON string literal exactly as Python's `json.dumps` writes it. */
export function pyJsonString(s: string, ensureAscii: boolean): string {
  if (!(ensureAscii ? NEEDS_ESCAPE_ASCII : NEEDS_ESCAPE).test(s)) return `"${s}"`;
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] as string;
    const code = s.charCodeAt(i);
    const short = SHORT_ESCAPES[ch];
    if (short) out += short;
    else if (code < 0x20 || (ensureAscii && code > 0x7e)) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return out + '"';
}

function floatJson(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  return pyFloatRepr(x);
}

/** A mapping key as `json.dumps` writes it: str as is; bool/None/int/float converted; others fail. */
function keyText(key: PyValue): string {
  if (typeof key === 'string') return key;
  if (key === null) return 'null';
  if (typeof key === 'boolean') return key ? 'true' : 'false';
  if (typeof key === 'bigint') return key.toString();
  if (typeof key === 'number') return floatJson(key);
  throw new PyJsonTypeError(pyTypeName(key), `keys must be str, int, float, bool or None, not ${pyTypeName(key)}`);
}

/**
 * `sorted(dct.items())`, as json's encoders sort for `sort_keys=True`: keys of a dict are never
 * `==`, so the pairs order by key `<` (code points for str; TypeError for mixed types, with the
 * operands of the comparison CPython's sort actually makes).
 */
function sortedEntries(entries: Array<[PyValue, PyValue]>): Array<[PyValue, PyValue]> {
  try {
    return pySorted(entries, ([a], [b]) => pyLess(a, b));
  } catch (error) {
    if (error instanceof PyOrderTypeError) throw new PyJsonTypeError('', error.message);
    throw error;
  }
}

/**
 * Python `json.dumps(value, indent=..., ensure_ascii=..., sort_keys=...)`, byte for byte.
 * Throws `PyJsonTypeError` for values JSON cannot represent (dates, bytes), as Python does.
 */
export function dumpsPyJson(value: PyValue, options: PyJsonDumpOptions = {}): string {
  const ensureAscii = options.ensureAscii ?? true;
  const indent = options.indent;
  const itemSeparator = options.separators?.[0] ?? (indent === undefined ? ', ' : ',');
  const keySeparator = options.separators?.[1] ?? ': ';

  const write = (v: PyValue, depth: number): string => {
    if (v === null) return 'null';
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    if (typeof v === 'string') return pyJsonString(v, ensureAscii);
    if (typeof v === 'bigint') return v.toString();
    if (typeof v === 'number') return floatJson(v);
    if (v instanceof PyDate || v instanceof PyDateTime || v instanceof PyBytes) {
      throw new PyJsonTypeError(pyTypeName(v));
    }
    const open = indent === undefined ? '' : '\n' + ' '.repeat(indent * (depth + 1));
    const close = indent === undefined ? '' : '\n' + ' '.repeat(indent * depth);
    if (Array.isArray(v)) {
      if (v.length === 0) return '[]';
      return `[${open}${v.map((item) => write(item, depth + 1)).join(itemSeparator + open)}${close}]`;
    }
    if (v.size === 0) return '{}';
    const entries = options.sortKeys ? sortedEntries([...v]) : [...v];
    const parts = entries.map(
      ([k, item]) => `${pyJsonString(keyText(k), ensureAscii)}${keySeparator}${write(item, depth + 1)}`,
    );
    return `{${open}${parts.join(itemSeparator + open)}${close}}`;
  };

  return write(value, 0);
}
