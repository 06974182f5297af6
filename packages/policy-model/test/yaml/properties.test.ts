import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { pyStr } from '../../src/python/repr.js';
import { PyDate, PyDateTime, type PyValue } from '../../src/python/value.js';
import { PyYamlError, loadPyYaml } from '../../src/yaml/index.js';

/*
 * An independent reference for PyYAML's plain-scalar table (docs/python-compatibility.md, "YAML"), written as a hand-rolled character
 * scanner (the implementation transcribes PyYAML's regular expressions instead).
 */
type RefKind = 'null' | 'bool' | 'int' | 'float' | 'timestamp' | 'str';
interface Ref {
  kind: RefKind;
  value?: PyValue;
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const allIn = (s: string, chars: string): boolean => s.length > 0 && [...s].every((c) => chars.includes(c));
const DEC = '0123456789';

function refResolve(s: string): Ref {
  if (['', '~', 'null', 'Null', 'NULL'].includes(s)) return { kind: 'null', value: null };
  const bools = 'yes Yes YES no No NO true True TRUE false False FALSE on On ON off Off OFF'.split(' ');
  const boolIndex = bools.indexOf(s);
  if (boolIndex >= 0) return { kind: 'bool', value: Math.floor(boolIndex / 3) % 2 === 0 };
  return refNumber(s) ?? (refTimestamp(s) ? { kind: 'timestamp' } : { kind: 'str', value: s });
}

function refNumber(s: string): Ref | undefined {
  const negative = s[0] === '-';
  const body = s[0] === '-' || s[0] === '+' ? s.slice(1) : s;
  const signed = body !== s;
  const neg = (v: bigint): bigint => (negative ? -v : v);
  const clean = (t: string): string => t.split('_').join('');
  // .inf / .nan
  if (['.inf', '.Inf', '.INF'].includes(body)) return { kind: 'float', value: negative ? -Infinity : Infinity };
  if (!signed && ['.nan', '.NaN', '.NAN'].includes(body)) return { kind: 'float', value: Number.NaN };
  // ints with a prefix
  if (body.startsWith('0b') && allIn(body.slice(2), '01_')) {
    const digits = clean(body.slice(2));
    return digits === '' ? { kind: 'int' } : { kind: 'int', value: neg(BigInt(`0b${digits}`)) };
  }
  if (body.startsWith('0x') && allIn(body.slice(2), '0123456789abcdefABCDEF_')) {
    const digits = clean(body.slice(2));
    return digits === '' ? { kind: 'int' } : { kind: 'int', value: neg(BigInt(`0x${digits}`)) };
  }
  if (body === '0') return { kind: 'int', value: 0n };
  if (body[0] === '0' && allIn(body.slice(1), '01234567_')) {
    return { kind: 'int', value: neg(BigInt(`0o${clean(body.slice(1)) || '0'}`)) };
  }
  // digits, then optionally sexagesimal groups, then optionally a fraction
  let i = 0;
  if (body[0] === '.') {
    if (signed || !isDigit(body[1])) return undefined;
    i = 1;
    while (i < body.length && allIn(body[i] as string, `${DEC}_`)) i++;
    return refExponent(body, i) ? { kind: 'float', value: Number(clean(s)) } : undefined;
  }
  if (!isDigit(body[0])) return undefined;
  while (i < body.length && allIn(body[i] as string, `${DEC}_`)) i++;
  const head = body.slice(0, i);
  const groups: string[] = [];
  while (body[i] === ':') {
    const a = body[i + 1];
    const b = body[i + 2];
    if (a !== undefined && a >= '0' && a <= '5' && isDigit(b)) {
      groups.push(`${a}${b}`);
      i += 3;
    } else if (isDigit(a)) {
      groups.push(a as string);
      i += 2;
    } else return undefined;
  }
  if (i === body.length) {
    if (head[0] === '0') return undefined; // `09`, `0:30` are strings
    let total = BigInt(clean(head));
    for (const g of groups) total = total * 60n + BigInt(g);
    return { kind: 'int', value: neg(total) };
  }
  if (body[i] !== '.') return undefined;
  let j = i + 1;
  while (j < body.length && allIn(body[j] as string, `${DEC}_`)) j++;
  if (groups.length > 0) {
    if (j !== body.length) return undefined;
    let total = 0;
    let base = 1;
    const parts = [clean(head), ...groups.slice(0, -1), `${groups.at(-1) as string}${clean(body.slice(i, j))}`];
    for (const part of parts.reverse()) {
      total += Number(part) * base;
      base *= 60;
    }
    return { kind: 'float', value: negative ? -total : total };
  }
  return refExponent(body, j) ? { kind: 'float', value: Number(clean(s)) } : undefined;
}

/** True when `body` from `i` is empty or an exponent with a mandatory sign: e+3, E-12. */
function refExponent(body: string, i: number): boolean {
  if (i === body.length) return true;
  if (body[i] !== 'e' && body[i] !== 'E') return false;
  if (body[i + 1] !== '+' && body[i + 1] !== '-') return false;
  const digits = body.slice(i + 2);
  return allIn(digits, DEC);
}

function refTimestamp(s: string): boolean {
  const take = (from: number, min: number, max: number): number => {
    let n = 0;
    while (n < max && isDigit(s[from + n])) n++;
    return n >= min ? n : -1;
  };
  if (take(0, 4, 4) !== 4 || s[4] !== '-') return false;
  if (/^\d{4}-\d\d-\d\d$/.test(s)) return true; // the date-only form needs 2-digit month and day
  let i = 5;
  const month = take(i, 1, 2);
  if (month < 0 || s[i + month] !== '-') return false;
  i += month + 1;
  const day = take(i, 1, 2);
  if (day < 0) return false;
  i += day;
  if (s[i] === 'T' || s[i] === 't') i++;
  else {
    const start = i;
    while (s[i] === ' ' || s[i] === '\t') i++;
    if (i === start) return false;
  }
  const hour = take(i, 1, 2);
  if (hour < 0 || s[i + hour] !== ':') return false;
  i += hour + 1;
  if (take(i, 2, 2) !== 2 || s[i + 2] !== ':') return false;
  i += 3;
  if (take(i, 2, 2) !== 2) return false;
  i += 2;
  if (s[i] === '.') {
    i++;
    while (isDigit(s[i])) i++;
  }
  if (i === s.length) return true;
  while (s[i] === ' ' || s[i] === '\t') i++;
  if (s[i] === 'Z') return i + 1 === s.length;
  if (s[i] !== '+' && s[i] !== '-') return false;
  i++;
  const tzHour = take(i, 1, 2);
  if (tzHour < 0) return false;
  i += tzHour;
  if (i === s.length) return true;
  return s[i] === ':' && take(i + 1, 2, 2) === 2 && i + 3 === s.length;
}

function kindOf(value: PyValue): RefKind {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'bigint') return 'int';
  if (typeof value === 'number') return 'float';
  if (typeof value === 'string') return 'str';
  if (value instanceof PyDate || value instanceof PyDateTime) return 'timestamp';
  throw new Error('unexpected value');
}

/** The value of `k: <scalar>`, or the Python exception class name. */
function loadValue(scalar: string): PyValue | { error: string } {
  try {
    const doc = loadPyYaml(`k: ${scalar}`);
    if (!(doc instanceof Map)) throw new Error('not a mapping');
    return doc.get('k') ?? null;
  } catch (error) {
    if (error instanceof PyYamlError) return { error: error.pythonType };
    throw error;
  }
}

const numberLike = fc
  .array(
    fc.constantFrom(
      ...'0123456789_:.+-eExb'.split(''),
      '0x',
      '0b',
      '0o',
      'inf',
      'Inf',
      'nan',
      'NAN',
      '.inf',
      '.nan',
      'e+',
      'e-',
      '1:3',
      '.5',
      'a',
      'F',
    ),
    { minLength: 1, maxLength: 8 },
  )
  .map((parts) => parts.join(''))
  // As the value of `k: ...` these would not be one plain scalar (`k: 12:` is a nested mapping).
  .filter((s) => !s.endsWith(':') && s !== '-');

const digits = (min: number, max: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...'0123456789'.split('')), minLength: min, maxLength: max });
const timestampLike = fc
  .tuple(
    digits(4, 4),
    digits(1, 2),
    digits(1, 2),
    fc.option(
      fc.tuple(
        fc.constantFrom('T', 't', ' ', '  ', 'x'),
        digits(1, 2),
        digits(2, 2),
        digits(1, 2),
        fc.constantFrom('', '.', '.5', '.1234567'),
        fc.constantFrom('', 'Z', ' Z', '+1', '-05:30', '+5:3', ' -12'),
      ),
    ),
  )
  .map(([y, m, d, time]) => `${y}-${m}-${d}${time ? `${time[0]}${time[1]}:${time[2]}:${time[3]}${time[4]}${time[5]}` : ''}`);

describe('plain scalars agree with an independent reference resolver', () => {
  test.prop([fc.oneof(numberLike, timestampLike)], { numRuns: 1000 })('number- and date-like scalars', (scalar) => {
    const ref = refResolve(scalar);
    const loaded = loadValue(scalar);
    if (loaded !== null && typeof loaded === 'object' && 'error' in loaded) {
      // PyYAML crashes on `0b_` / `0x_` (ValueError) and on impossible dates.
      expect(['int', 'timestamp']).toContain(ref.kind);
      expect(loaded.error).toBe('ValueError');
      return;
    }
    expect(kindOf(loaded)).toBe(ref.kind);
    if (ref.value !== undefined) expect(Object.is(loaded, ref.value) || loaded === ref.value).toBe(true);
  });
});

// Every character PyYAML accepts raw, minus its YAML 1.1 line breaks.
const PRINTABLE_ONE_LINE = fc
  .string({ unit: 'binary', maxLength: 20 })
  .map((s) =>
    [...s]
      .filter((ch) => {
        const cp = ch.codePointAt(0) as number;
        const printable =
          cp === 0x09 || (cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || cp >= 0x10000;
        return printable && cp !== 0x2028 && cp !== 0x2029;
      })
      .join(''),
  );

/** A YAML double-quoted scalar that spells every non-ASCII or control character as an escape. */
function doubleQuoted(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const unit = s.charCodeAt(i);
    const ch = s[i] as string;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (unit >= 0x20 && unit <= 0x7e) out += ch;
    else out += `\\u${unit.toString(16).padStart(4, '0')}`;
  }
  return `${out}"`;
}

describe('quoted scalars are always strings', () => {
  test.prop([fc.oneof(numberLike, timestampLike, fc.constantFrom('yes', 'off', '~', 'null', '<<', '=', '0755', '1:30'))])(
    'double- and single-quoted look-alikes stay strings',
    (scalar) => {
      expect(loadValue(doubleQuoted(scalar))).toBe(scalar);
      expect(loadValue(`'${scalar.replaceAll("'", "''")}'`)).toBe(scalar);
    },
  );

  test.prop([PRINTABLE_ONE_LINE])('any printable one-line text survives single quotes', (text) => {
    expect(loadValue(`'${text.replaceAll("'", "''")}'`)).toBe(text);
  });
});

describe('round trips', () => {
  test.prop([fc.array(fc.string({ unit: 'binary', maxLength: 12 }), { maxLength: 8 })])(
    'a list of arbitrary strings written as double-quoted items loads back unchanged',
    (items) => {
      const text = items.length === 0 ? '[]' : items.map((item) => `- ${doubleQuoted(item)}\n`).join('');
      expect(loadPyYaml(text)).toEqual(items);
    },
  );

  test.prop([fc.array(fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9_./*-]{0,10}$/), { maxLength: 8 })])(
    'plain word lists load as YAML 1.1 reads each word',
    (items) => {
      const text = items.length === 0 ? '[]' : items.map((item) => `- ${item}\n`).join('');
      const expected = items.map((item) => {
        const ref = refResolve(item);
        return ref.kind === 'str' || ref.kind === 'bool' || ref.kind === 'null' ? ref.value : undefined;
      });
      const loaded = loadPyYaml(text) as PyValue[];
      loaded.forEach((value, i) => {
        if (expected[i] !== undefined) expect(value).toBe(expected[i]);
      });
    },
  );

  test.prop([fc.array(fc.tuple(fc.constantFrom('a', 'b', '1', '1.0', 'true', '"1"', 'c'), fc.nat(99)), { maxLength: 10 })])(
    'duplicate keys keep the first position and the last value, with Python key equality',
    (pairs) => {
      const text = `{${pairs.map(([k, v]) => `${k}: ${v}`).join(', ')}}`;
      // 1, 1.0 and true are one Python key; "1" is another.
      const canonical = (k: string): string => (['1', '1.0', 'true'].includes(k) ? 'one' : k);
      const model = new Map<string, [string, number]>();
      for (const [k, v] of pairs) {
        const slot = model.get(canonical(k));
        if (slot) slot[1] = v;
        else model.set(canonical(k), [k, v]);
      }
      const loaded = loadPyYaml(text);
      if (!(loaded instanceof Map)) throw new Error('not a mapping');
      expect([...loaded.values()]).toEqual([...model.values()].map(([, v]) => BigInt(v)));
      expect([...loaded.keys()].map((k) => pyStr(k))).toEqual(
        [...model.values()].map(([k]) => ({ '1': '1', '1.0': '1.0', true: 'True', '"1"': '1' })[k] ?? k),
      );
    },
  );
});
