import { pyStr } from './repr.js';
import type { PyDict, PyValue } from './value.js';

/** A JSON text that Python's `json.loads` would reject. */
export class PyJsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
    this.name = 'PyJsonSyntaxError';
  }

  /** The line Python prints for it. */
  get pythonLine(): string {
    return `JSONDecodeError: ${this.message}`;
  }
}

/**
 * Nesting deeper than CPython 3.11's recursion limit (1000 frames, shared by the C scanner of
 * `json.loads`): Python raises RecursionError, never a JSONDecodeError. Our parser stops at the
 * same depth, so no later recursive step (validation, repr) can overflow the stack.
 */
export class PyJsonRecursionError extends PyJsonSyntaxError {
  override get pythonLine(): string {
    return `RecursionError: ${this.message}`;
  }
}

/** Arrays and objects nested deeper than this are refused (see `PyJsonRecursionError`). */
export const PY_JSON_MAX_DEPTH = 1000;

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};
const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/y;

/**
 * Parse JSON the way Python's `json.loads` does: integers stay integers (`bigint`), numbers
 * with a fraction or exponent are floats (`number`), `NaN`/`Infinity`/`-Infinity` are
 * accepted, objects become ordered `Map`s, and a repeated key keeps its first position and
 * takes the last value.
 */
export function parsePyJson(text: string): PyValue {
  let pos = 0;
  // json.loads refuses a str that starts with a BOM (PyYAML, in contrast, skips one).
  if (text.startsWith('\uFEFF')) {
    throw new PyJsonSyntaxError('Unexpected UTF-8 BOM (decode using utf-8-sig): line 1 column 1 (char 0)', 0);
  }

  const fail = (what: string): never => {
    const line = text.slice(0, pos).split('\n').length;
    const column = pos - text.lastIndexOf('\n', pos - 1);
    throw new PyJsonSyntaxError(`${what}: line ${line} column ${column} (char ${pos})`, pos);
  };
  const skipWhitespace = (): void => {
    while (pos < text.length && WHITESPACE.has(text[pos] as string)) pos++;
  };

  const parseString = (): string => {
    pos++; // opening quote
    let out = '';
    let chunkStart = pos;
    for (;;) {
      if (pos >= text.length) fail('Unterminated string starting at');
      const code = text.charCodeAt(pos);
      if (code === 0x22) {
        out += text.slice(chunkStart, pos);
        pos++;
        return out;
      }
      if (code < 0x20) fail('Invalid control character at');
      if (code !== 0x5c) {
        pos++;
        continue;
      }
      out += text.slice(chunkStart, pos);
      const escape = text[pos + 1];
      if (escape === 'u') {
        const hex = text.slice(pos + 2, pos + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('Invalid \\uXXXX escape');
        out += String.fromCharCode(parseInt(hex, 16));
        pos += 6;
      } else if (escape !== undefined && escape in ESCAPES) {
        out += ESCAPES[escape];
        pos += 2;
      } else {
        fail('Invalid \\escape');
      }
      chunkStart = pos;
    }
  };

  const parseValue = (depth: number): PyValue => {
    skipWhitespace();
    const ch = text[pos];
    if (ch === '"') return parseString();
    if ((ch === '{' || ch === '[') && depth >= PY_JSON_MAX_DEPTH) {
      const kind = ch === '{' ? 'object' : 'array';
      throw new PyJsonRecursionError(
        `maximum recursion depth exceeded while decoding a JSON ${kind} from a unicode string`,
        pos,
      );
    }
    if (ch === '{') return parseObject(depth);
    if (ch === '[') return parseArray(depth);
    for (const [literal, value] of LITERALS) {
      if (text.startsWith(literal, pos)) {
        pos += literal.length;
        return value;
      }
    }
    NUMBER.lastIndex = pos;
    const match = NUMBER.exec(text);
    if (!match) return fail('Expecting value');
    pos += match[0].length;
    if (match[1] === undefined && match[2] === undefined) return BigInt(match[0]);
    return Number(match[0]);
  };

  const parseArray = (depth: number): PyValue[] => {
    pos++;
    const items: PyValue[] = [];
    skipWhitespace();
    if (text[pos] === ']') {
      pos++;
      return items;
    }
    for (;;) {
      items.push(parseValue(depth + 1));
      skipWhitespace();
      if (text[pos] === ',') {
        pos++;
        continue;
      }
      if (text[pos] === ']') {
        pos++;
        return items;
      }
      fail("Expecting ',' delimiter");
    }
  };

  const parseObject = (depth: number): PyDict => {
    pos++;
    const map: PyDict = new Map();
    skipWhitespace();
    if (text[pos] === '}') {
      pos++;
      return map;
    }
    for (;;) {
      skipWhitespace();
      if (text[pos] !== '"') fail('Expecting property name enclosed in double quotes');
      const key = parseString();
      skipWhitespace();
      if (text[pos] !== ':') fail("Expecting ':' delimiter");
      pos++;
      map.set(key, parseValue(depth + 1));
      skipWhitespace();
      if (text[pos] === ',') {
        pos++;
        continue;
      }
      if (text[pos] === '}') {
        pos++;
        return map;
      }
      fail("Expecting ',' delimiter");
    }
  };

  const value = parseValue(0);
  skipWhitespace();
  if (pos !== text.length) fail('Extra data');
  return value;
}

const LITERALS: ReadonlyArray<readonly [string, PyValue]> = [
  ['true', true],
  ['false', false],
  ['null', null],
  ['NaN', Number.NaN],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['-Infinity', Number.NEGATIVE_INFINITY],
];

/** Convert a plain `JSON.parse` value into the Python model (objects become `Map`s). */
export function fromPlainJson(value: unknown): PyValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(fromPlainJson);
  if (typeof value === 'object') {
    return new Map(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, fromPlainJson(v)]));
  }
  throw new TypeError(`not a JSON value: ${typeof value}`);
}

/** Convert a Python-model value back to plain JS data (Maps become objects; ints become numbers). */
export function toPlainJson(value: PyValue): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(toPlainJson);
  if (value instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of value) {
      Object.defineProperty(out, typeof k === 'string' ? k : pyStr(k), {
        value: toPlainJson(v),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return value;
}
