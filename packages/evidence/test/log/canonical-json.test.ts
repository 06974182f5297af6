import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { DECISION_KEYS } from '@cavra/policy-model';
import { createDecisionEnveloper, canonicalDecisionJson, canonicalJson } from '../../src/index.js';

describe('canonicalJson (RFC 8785 key order and number/string forms)', () => {
  it('sorts keys by UTF-16 code units at every level, with no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: null, y: true }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[3,{"y":true,"z":null}]},"b":1}',
    );
    // Integer-like keys sort as strings ("10" < "9"), not in JavaScript's own-key order.
    expect(canonicalJson({ 9: 'a', 10: 'b', B: 'c', a: 'd' })).toBe('{"10":"b","9":"a","B":"c","a":"d"}');
    // UTF-16 order: U+FFFF sorts after the astral U+1F600 (a surrogate pair, 0xD83D...).
    expect(canonicalJson({ '\uffff': 1, '\u{1f600}': 2 })).toBe('{"\u{1f600}":2,"\uffff":1}');
  });

  it('prints strings and numbers as JSON.stringify does', () => {
    expect(canonicalJson(['\u0000\u001f"\\', '\ud800', 'é', 1e21, 1.5, -0, 100])).toBe(
      '["\\u0000\\u001f\\"\\\\","\\ud800","é",1e+21,1.5,0,100]',
    );
  });

  it('keeps an own __proto__ key of a parsed request', () => {
    const parsed = JSON.parse('{"__proto__":{"x":1},"a":2}') as unknown;
    expect(canonicalJson(parsed)).toBe('{"__proto__":{"x":1},"a":2}');
  });

  it('drops undefined members and refuses values JSON cannot hold', () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(TypeError);
    expect(() => canonicalJson({ a: 1n })).toThrow(TypeError);
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
  });

  test.prop([fc.jsonValue()])('parses back to the same value and is a fixed point', (value) => {
    const text = canonicalJson(value);
    const reparsed = JSON.parse(text) as unknown;
    expect(reparsed).toStrictEqual(JSON.parse(JSON.stringify(value)));
    expect(canonicalJson(reparsed)).toBe(text);
  });

  const decisionLike = fc.tuple(
    fc.array(
      fc.oneof(fc.string(), fc.constant(null), fc.jsonValue({ maxDepth: 1 }), fc.constant(undefined)),
      {
        minLength: DECISION_KEYS.length,
        maxLength: DECISION_KEYS.length,
      },
    ),
    fc.boolean(),
  );
  test.prop([decisionLike])(
    'canonicalDecisionJson is canonicalJson, on the fast path and off it',
    ([values, shuffled]) => {
      const keys = shuffled ? [...DECISION_KEYS].reverse() : DECISION_KEYS;
      const decision = Object.fromEntries(keys.map((key, i) => [key, values[i]]));
      let expected: string | undefined;
      try {
        expected = canonicalJson(decision);
      } catch {
        expect(() => canonicalDecisionJson(decision)).toThrow(TypeError);
        return;
      }
      expect(canonicalDecisionJson(decision)).toBe(expected);
    },
  );

  it('canonicalDecisionJson takes the fast path for envelope decisions', () => {
    const envelope = createDecisionEnveloper({ clock: () => 1_767_225_600_000_000 });
    const decision = envelope({
      session_id: 's\u0001',
      agent_id: 'a',
      actor: 'ai-agent',
      action_type: 'read_file',
      target: null,
      requested_operation: 'read',
      policy_pack: 'cavra-baseline',
      policy_id: 'cavra-baseline',
      rule_id: 'r',
      decision: 'allow',
      severity: 'low',
      reason: 'é "quoted"',
      approver_group: null,
    } as never);
    expect(canonicalDecisionJson(decision)).toBe(canonicalJson(decision));
    expect(canonicalDecisionJson([1])).toBe('[1]');
  });
});
