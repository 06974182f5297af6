import { describe, expect, it } from 'vitest';
import { PyBytes, PyDate, PyDateTime, type PyValue } from '../../src/index.js';
import { jsonSchemaUniq } from '../../src/validate/uniq.js';

const m = (entries: Record<string, PyValue>): PyValue => new Map(Object.entries(entries));

// Each row: jsonschema 4.26 `_utils.uniq` on the same Python values.
const UNIQ: ReadonlyArray<readonly [string, PyValue[], boolean]> = [
  ['sorted branch, neighbours only', [[1n], [true], [1n]], true],
  ['NaN breaks the sort order', [1n, Number.NaN, 1n], true],
  ['True vs 1', [true, 1n], true],
  ['1 vs 1.0', [1n, 1.0], false],
  ['[1] vs [1.0]', [[1n], [1.0]], false],
  ['dicts by value', [m({ a: 1n }), m({ a: 1.0 })], false],
  ['nested bool vs int', [m({ a: true }), m({ a: 1n })], true],
  ['same NaN object', [Number.NaN, Number.NaN], false],
  ['NaN pair after a number', [1n, Number.NaN, Number.NaN], false],
  ['True twice (brute force)', [true, true], false],
  ['None twice', [null, null], false],
  ['mixed types fall back to brute force', ['a', 1n, 'a'], false],
  ['descending run then insertion', [2n, 1n, Number.NaN, 1n], false],
  [
    'TypeError deep in a list',
    [
      [1n, 'x'],
      [1n, 2n],
      [1n, 'x'],
    ],
    false,
  ],
  ['dates', [new PyDate(2024, 1, 1), new PyDate(2024, 1, 1)], false],
  ['date vs datetime', [new PyDate(2024, 1, 1), new PyDateTime(2024, 1, 1, 0, 0, 0, 0, null)], true],
  ['strict descending', [3n, 2n, 1n, 2n], false],
  ['[True] vs [1] vs [True]', [[true], [1n], [true]], true],
  ['bytes are a sequence of ints', [new PyBytes(new Uint8Array([97])), [97n]], false],
];

describe('jsonSchemaUniq (jsonschema _utils.uniq)', () => {
  it.each(UNIQ)('%s', (_name, items, unique) => {
    expect(jsonSchemaUniq(items)).toBe(unique);
  });

  it('aware datetimes are equal at the same instant', () => {
    const utc = new PyDateTime(2024, 1, 1, 10, 0, 0, 0, 0);
    const paris = new PyDateTime(2024, 1, 1, 11, 0, 0, 0, 60);
    expect(jsonSchemaUniq([utc, paris])).toBe(false);
  });
});
