import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import {
  compareCodePoints,
  compilePolicy,
  dedupe,
  dumpsPyJson,
  mergePolicy,
  normalizePolicy,
  parsePyJson,
  pyRepr,
  sortByCodePoint,
  type PyDict,
  type PyValue,
} from '../../src/index.js';


// Python `repr` distinguishes 1 / 1.0 / True / '1' and shows key order: a strict structural fingerprint.
const same = (a: PyValue, b: PyValue): void => expect(pyRepr(a)).toBe(pyRepr(b));
const canonical = (v: PyValue): string => dumpsPyJson(v, { sortKeys: true });

/** A reference code-point comparator (docs/python-compatibility.md, "Code-point order"), written independently of the implementation. */
function referenceCompare(a: string, b: string): number {
  const A = a[Symbol.iterator]();
  const B = b[Symbol.iterator]();
  for (;;) {
    const x = A.next();
    const y = B.next();
    if (x.done) return y.done ? 0 : -1;
    if (y.done) return 1;
    const cx = x.value.codePointAt(0) as number;
    const cy = y.value.codePointAt(0) as number;
    if (cx !== cy) return cx < cy ? -1 : 1;
  }
}

// Characters where code-point and UTF-16 order disagree (U+E000..U+FFFF vs astral), plus ASCII.
const char = fc.oneof(
  fc.constantFrom('a', 'b', 'Z', '_', '.', '*', '/', ' ', '1'),
  fc.constantFrom('é', 'Ω', '\uE000', '\uF8FF', '\uFF5E', '\uFFFD', '\uFFFF'),
  fc.constantFrom('😀', '𝄞', '\u{10000}', '\u{10FFFF}'),
);
const text = fc.string({ unit: char, maxLength: 6 });
const key = fc.constantFrom('a', 'b', 'block_read', 'allow', 'extra', 'tags', 'x');
const scalar: fc.Arbitrary<PyValue> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.bigInt({ min: -3n, max: 3n }),
  fc.constantFrom(1.0, 0.5, -0.0, 1e16, Number.NaN, Number.POSITIVE_INFINITY),
  text,
);
const { value } = fc.letrec<{ value: PyValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('value'), { maxLength: 4 }),
    fc
      .array(fc.tuple(key, tie('value')), { maxLength: 3 })
      .map((entries): PyValue => new Map<PyValue, PyValue>(entries)),
  ),
}));
const dict = (entries: fc.Arbitrary<[string, PyValue]>): fc.Arbitrary<PyDict> =>
  fc.array(entries, { maxLength: 5 }).map((pairs) => new Map<PyValue, PyValue>(pairs));
const section = dict(
  fc.tuple(
    fc.constantFrom('block_read', 'block_write', 'allow', 'allowed_servers', 'unknown', 'nested'),
    value,
  ),
);
/** Policies of any shape: sections may be lists, scalars, `null` or mappings; metadata values may be `null`. */
const policy: fc.Arbitrary<PyDict> = dict(
  fc.oneof(
    fc.tuple(
      fc.constant('metadata'),
      dict(fc.tuple(fc.constantFrom('id', 'title', 'inherits', 'owner', 'mode'), value)),
    ),
    fc.tuple(fc.constantFrom('filesystem', 'commands', 'mcp', 'git', 'extra'), fc.oneof(section, value)),
    fc.tuple(fc.constantFrom('tags', 'compliance'), value),
  ),
);

/** Every list, at any depth, without canonical duplicates (what an overlay needs for merge to be idempotent). */
function withoutDuplicates(v: PyValue): PyValue {
  if (Array.isArray(v)) {
    const seen = new Set<string>();
    return v
      .map(withoutDuplicates)
      .filter((item) => !seen.has(canonical(item)) && Boolean(seen.add(canonical(item))));
  }
  if (v instanceof Map) return new Map([...v].map(([k, item]) => [k, withoutDuplicates(item)]));
  return v;
}

describe('compile properties', () => {
  test.prop([policy, fc.array(policy, { maxLength: 3 })])(
    'compile is idempotent on its own output',
    (base, overlays) => {
      const compiled = compilePolicy(base, overlays);
      same(compilePolicy(compiled), compiled);
    },
  );

  test.prop([policy, fc.array(policy, { maxLength: 2 })])(
    'compiling the printed JSON again prints the same bytes',
    (base, overlays) => {
      const printed = dumpsPyJson(compilePolicy(base, overlays), { indent: 2, ensureAscii: false });
      const reparsed = parsePyJson(printed) as PyDict;
      expect(dumpsPyJson(compilePolicy(reparsed), { indent: 2, ensureAscii: false })).toBe(printed);
    },
  );

  test.prop([policy, fc.array(policy, { maxLength: 3 })])(
    'compile never mutates its inputs',
    (base, overlays) => {
      const before = pyRepr([base, ...overlays]);
      compilePolicy(base, overlays);
      expect(pyRepr([base, ...overlays])).toBe(before);
    },
  );

  test.prop([policy])(
    'an empty overlay is the identity (merge), and changes nothing after normalisation',
    (base) => {
      same(mergePolicy(base, new Map()), base);
      same(compilePolicy(base, [new Map()]), compilePolicy(base));
      same(compilePolicy(base), normalizePolicy(base));
    },
  );

  test.prop([policy, policy.map((p) => withoutDuplicates(p) as PyDict)])(
    'merging the same duplicate-free overlay twice is merging it once',
    (base, overlay) => {
      same(mergePolicy(mergePolicy(base, overlay), overlay), mergePolicy(base, overlay));
    },
  );

  test.prop([policy, policy])(
    'a merged key keeps its base position; new keys follow in overlay order',
    (a, b) => {
      const keys = (d: PyValue | undefined): PyValue[] => (d instanceof Map ? [...d.keys()] : []);
      const merged = mergePolicy(a, b);
      expect(keys(merged)).toEqual([...keys(a), ...keys(b).filter((k) => !a.has(k))]);
      for (const [k, v] of b) {
        const base = a.get(k);
        if (k !== 'metadata' && base instanceof Map && v instanceof Map) {
          expect(keys(merged.get(k))).toEqual([...keys(base), ...keys(v).filter((kk) => !base.has(kk))]);
        }
      }
    },
  );

  test.prop([policy, policy])(
    'metadata: null never erases a base value, except inherits, which is always copied',
    (a, b) => {
      const over = b.get('metadata');
      if (!(over instanceof Map)) return;
      const base =
        a.get('metadata') instanceof Map ? (a.get('metadata') as PyDict) : new Map<PyValue, PyValue>();
      const merged = mergePolicy(a, b).get('metadata') as PyDict;
      for (const [k, v] of over) {
        if (k === 'inherits' || v !== null) same(merged.get(k) as PyValue, v);
        else
          expect(merged.has(k) ? pyRepr(merged.get(k) as PyValue) : undefined).toBe(
            base.has(k) ? pyRepr(base.get(k) as PyValue) : undefined,
          );
      }
    },
  );

  test.prop([policy, policy, policy])('compile folds overlays left to right', (a, b, c) => {
    same(compilePolicy(a, [b, c]), normalizePolicy(mergePolicy(mergePolicy(a, b), c)));
  });

  test.prop([fc.array(value, { maxLength: 12 })])(
    'dedupe keeps exactly the first occurrence of each canonical item',
    (items) => {
      const firsts = new Map<string, PyValue>();
      for (const item of items) if (!firsts.has(canonical(item))) firsts.set(canonical(item), item);
      same(dedupe(items), [...firsts.values()]);
    },
  );

  test.prop([policy, fc.array(policy, { maxLength: 3 })])(
    'normalised lists are str()-ed and sorted by code point, under filesystem, commands and the mcp server lists',
    (base, overlays) => {
      const compiled = compilePolicy(base, overlays);
      const lists: PyValue[] = [];
      for (const name of ['filesystem', 'commands']) {
        const s = compiled.get(name);
        if (s instanceof Map) for (const v of s.values()) if (Array.isArray(v)) lists.push(v);
      }
      const mcp = compiled.get('mcp');
      if (mcp instanceof Map)
        for (const k of ['allowed_servers', 'blocked_servers'])
          if (Array.isArray(mcp.get(k))) lists.push(mcp.get(k) as PyValue);
      for (const list of lists as PyValue[][]) {
        expect(list.every((item) => typeof item === 'string')).toBe(true);
        expect(list).toEqual([...(list as string[])].sort(referenceCompare));
      }
    },
  );
});

describe('merge order laws on shape-consistent policies', () => {
  // Associativity holds when every path has the same kind on all sides (lists, mappings or
  // scalars) and metadata has no null values. Both are needed: a list meeting a scalar is
  // replaced in one grouping and concatenated in the other, and a null metadata value is
  // skipped by `merge(a, b)` but kept (at b's position) by `merge(b, c)`, which changes key order.
  const items = fc.uniqueArray(fc.oneof(text, fc.bigInt({ min: 0n, max: 3n })), {
    maxLength: 4,
    selector: (v) => canonical(v),
  });
  const consistent: fc.Arbitrary<PyDict> = fc
    .record(
      {
        metadata: dict(fc.tuple(fc.constantFrom('id', 'title', 'owner', 'mode'), text)),
        filesystem: dict(fc.tuple(fc.constantFrom('block_read', 'block_write', 'extra'), items)),
        commands: dict(fc.tuple(fc.constantFrom('block', 'allow'), items)),
        git: dict(fc.tuple(fc.constantFrom('require_pull_request', 'other'), fc.boolean())),
        extra: dict(fc.tuple(fc.constantFrom('k', 'j'), dict(fc.tuple(fc.constant('deep'), items)))),
        tags: items,
      },
      { requiredKeys: [] },
    )
    .chain((record) =>
      fc
        .shuffledSubarray(Object.keys(record))
        .map(
          (order) =>
            new Map<PyValue, PyValue>(order.map((k) => [k, record[k as keyof typeof record] as PyValue])),
        ),
    );

  test.prop([consistent, consistent, consistent])('merge is associative', (a, b, c) => {
    same(mergePolicy(mergePolicy(a, b), c), mergePolicy(a, mergePolicy(b, c)));
  });

  test.prop([consistent, consistent])('merge with an overlay is idempotent', (a, b) => {
    same(mergePolicy(mergePolicy(a, b), b), mergePolicy(a, b));
  });
});

describe('code-point sort', () => {
  test.prop([fc.array(text, { maxLength: 30 })])(
    'sortByCodePoint agrees with the reference comparator',
    (strings) => {
      expect(sortByCodePoint(strings)).toEqual([...strings].sort(referenceCompare));
    },
  );

  test.prop([fc.string({ unit: 'binary', maxLength: 8 }), fc.string({ unit: 'binary', maxLength: 8 })])(
    'compareCodePoints agrees in sign with comparing code point arrays (any code points)',
    (a, b) => {
      expect(Math.sign(compareCodePoints(a, b))).toBe(Math.sign(referenceCompare(a, b)));
    },
  );

  test.prop([text, text])(
    'and differs from UTF-16 order exactly when a U+E000..U+FFFF char meets an astral one',
    (a, b) => {
      const utf16 = a < b ? -1 : a > b ? 1 : 0;
      const reference = referenceCompare(a, b);
      if (utf16 !== reference) {
        const i = [...a].findIndex((ch, k) => ch !== [...b][k]);
        const pair = [[...a][i] ?? '', [...b][i] ?? '']
          .map((ch) => ch.codePointAt(0) ?? 0)
          .sort((x, y) => x - y);
        expect(pair[0]).toBeGreaterThanOrEqual(0xe000);
        expect(pair[1]).toBeGreaterThan(0xffff);
      }
    },
  );
});
