import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { parsePyJson, type PyDict } from '@cavra/policy-model';
import {
  boolValue,
  intValue,
  normalizeState,
  pythonLower,
  stringValue,
} from '../../src/release-governance/values.js';

const record = (json: string): PyDict => parsePyJson(json) as PyDict;

describe('stringValue', () => {
  it.each([
    ['" APPROVED "', 'APPROVED'],
    ['"\\u001c"', ''],
    ['"\\ufeff"', '\ufeff'],
    ['true', 'True'],
    ['false', 'False'],
    ['0', '0'],
    ['1.0', '1.0'],
    ['1e16', '1e+16'],
    ['1000000000000000000000000000000', '1000000000000000000000000000000'],
    ['["approved"]', "['approved']"],
    ['{"k": "v"}', "{'k': 'v'}"],
    ['null', ''],
  ])('%s → %j', (json, text) => {
    expect(stringValue(record(`{"v": ${json}}`), 'v')).toBe(text);
  });
  it('is "" for an absent key', () => expect(stringValue(new Map(), 'v')).toBe(''));
});

describe('normalizeState', () => {
  it.each([
    ['Canceled', 'canceled'],
    ['cancel-led', 'cancel_led'],
    ['not-required', 'not_required'],
    ['Drift-Detected', 'drift_detected'],
    ['a-b-c', 'a_b_c'],
    ['non compliant', 'non compliant'],
    ['PENDİNG', 'pendi\u0307ng'],
    ['\u1c89pending', '\u1c89pending'],
    ['ΑΣ', 'ας'],
  ])('%j → %j', (state, normal) => expect(normalizeState(state)).toBe(normal));
});

describe('pythonLower', () => {
  it('keeps letters newer than Unicode 14 as they are', () => {
    for (const cp of [0x1c89, 0xa7cb, 0xa7cc, 0xa7ce, 0xa7d2, 0xa7d4, 0xa7da, 0xa7dc, 0x10d50, 0x10d65, 0x16ea0, 0x16eb8]) {
      const ch = String.fromCodePoint(cp);
      expect(pythonLower(`A${ch}B`)).toBe(`a${ch}b`);
    }
  });
  test.prop([fc.string({ unit: 'grapheme' })])('equals toLowerCase() on text without newer letters', (s) => {
    fc.pre(!/[\u1c89\ua7cb-\ua7dc\u{10d50}-\u{10d65}\u{16ea0}-\u{16eb8}]/u.test(s));
    expect(pythonLower(s)).toBe(s.toLowerCase());
  });
});

describe('intValue', () => {
  it.each([
    ['1', 1n],
    ['3.0', 3n],
    ['1.5', 1n],
    ['1000000000000000000000000000000', 10n ** 30n],
    ['"3"', 0n],
    ['0.9', 0n],
    ['-0.5', 0n],
    ['-1', -1n],
    ['true', 0n],
    ['null', 0n],
    ['[3]', 0n],
    ['{}', 0n],
  ])('%s → %s', (json, value) => {
    expect(intValue(record(`{"v": ${json}}`), 'v')).toEqual(value);
  });
  it('raises Python\'s OverflowError for ±infinity and ValueError for NaN', () => {
    expect(() => intValue(record('{"v": 1e400}'), 'v')).toThrow(
      expect.objectContaining({ python: 'OverflowError: cannot convert float infinity to integer' }),
    );
    expect(() => intValue(record('{"v": -1e400}'), 'v')).toThrow(expect.objectContaining({ code: 'release_governance_invalid' }));
    expect(() => intValue(record('{"v": NaN}'), 'v')).toThrow(
      expect.objectContaining({ python: 'ValueError: cannot convert float NaN to integer' }),
    );
  });
  test.prop([fc.double({ noNaN: true, noDefaultInfinity: true })])('truncates floats toward zero', (x) => {
    const value = intValue(new Map([['v', x]]), 'v');
    expect(value > 0n).toBe(Math.trunc(x) > 0);
  });
});

describe('boolValue', () => {
  it.each(['true', '"true"', '"TRUE "', '"True"', '" yes "', '"Yes"', '"success"', '"Success"', '"succeeded"', '"SUCCEEDED\\n"'])(
    '%s is true',
    (json) => expect(boolValue(record(`{"v": ${json}}`), 'v')).toBe(true),
  );
  it.each(['false', 'null', '1', '0', '1.0', '"1"', '"ok"', '"y"', '"t"', '"passed"', '"successful"', '"tru-e"', '[true]', '{"ok": true}', '""'])(
    '%s is false',
    (json) => expect(boolValue(record(`{"v": ${json}}`), 'v')).toBe(false),
  );
  it('is false when absent', () => expect(boolValue(new Map(), 'v')).toBe(false));
});
