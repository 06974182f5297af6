import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { PyDate, PyDateTime, PyJsonTypeError, compareCodePoints, dumpsPyJson } from '../../src/index.js';
import { PyOrderTypeError, pyLess, pySorted } from '../../src/python/order.js';


describe('pyLess / pySorted (CPython list.sort)', () => {
  it('raises where Python raises', () => {
    expect(() => pyLess(null, null)).toThrow(PyOrderTypeError);
    expect(() => pyLess('a', 1n)).toThrow("'<' not supported between instances of 'str' and 'int'");
    expect(() => pyLess(new PyDate(2024, 1, 1), new PyDateTime(2024, 1, 1, 0, 0, 0, 0, null))).toThrow(
      PyOrderTypeError,
    );
  });

  it('compares ints and floats exactly', () => {
    expect(pyLess(2n ** 60n, 2 ** 60 + 1e5)).toBe(true);
    expect(pyLess(2 ** 53, 2n ** 53n + 1n)).toBe(true);
    expect(pyLess(2.5, 3n)).toBe(true);
    expect(pyLess(3n, 3.0)).toBe(false);
    expect(pyLess(true, 2n)).toBe(true);
  });

  it('keeps the order CPython produces with NaN', () => {
    expect(pySorted([1n, Number.NaN, 1n])).toEqual([1n, Number.NaN, 1n]);
    expect(pySorted([3n, 2n, 1n])).toEqual([1n, 2n, 3n]);
  });

  test.prop([fc.array(fc.string({ unit: 'binary' }), { maxLength: 80 })])(
    'sorts strings like a stable code-point sort (short lists by binary insertion, long ones by merge)',
    (items) => {
      expect(pySorted(items)).toEqual([...items].sort(compareCodePoints));
    },
  );

  test.prop([
    fc.array(
      fc.oneof(
        fc.bigInt({ min: -5n, max: 5n }),
        fc.integer({ min: -5, max: 5 }).map((n) => n / 2),
      ),
      { maxLength: 70 },
    ),
  ])('sorts mixed ints and floats stably by value', (items) => {
    const expected = items
      .map((value, index) => ({ value, index }))
      .sort((a, b) => Number(a.value) - Number(b.value) || a.index - b.index)
      .map(({ value }) => value);
    expect(pySorted(items)).toEqual(expected);
  });
});

describe('dumpsPyJson sort_keys (sorted(dct.items()))', () => {
  it('orders keys by code point, not UTF-16', () => {
    const value = new Map([
      ['\u{1F600}', 1n],
      ['\uFF5E', 2n],
      ['a', 3n],
    ]);
    expect(dumpsPyJson(value, { sortKeys: true })).toBe('{"a": 3, "\\uff5e": 2, "\\ud83d\\ude00": 1}');
  });

  it('raises the TypeError Python raises for mixed key types, operands in CPython order', () => {
    // Python: json.dumps({True: 1, 'a': 2}, sort_keys=True)
    const value = new Map<boolean | string, bigint>([
      [true, 1n],
      ['a', 2n],
    ]);
    expect(() => dumpsPyJson(value, { sortKeys: true })).toThrowError(
      new PyJsonTypeError('', "'<' not supported between instances of 'str' and 'bool'"),
    );
  });
});
