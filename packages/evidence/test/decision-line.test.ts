import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { decisionSchema, type DecisionCore } from '@cavra/policy-model';
import { createDecisionLineWriter } from '../src/decision-line.js';
import { createDecisionEnveloper } from '../src/envelope.js';
import type { RandomBytes } from '../src/identifiers.js';

// Strings that exercise every escaping rule: quotes, backslashes, C0 controls, DEL, U+2028, astral and lone surrogates.
const text = fc.string({
  unit: fc.constantFrom('a', 'Z', '~', ' ', '"', '\\', '\n', '\u0000', '\u001f', '\u007f', '\u0080', '\u2028', '😀', '\ud800', '\udfff', 'é', '/'),
});
const nullableText = fc.option(text, { nil: null });

const coreArbitrary: fc.Arbitrary<DecisionCore> = fc.record({
  session_id: text,
  agent_id: text,
  actor: text,
  action_type: text,
  target: nullableText,
  requested_operation: nullableText,
  policy_pack: text,
  policy_id: text,
  rule_id: text,
  decision: fc.constantFrom('allow', 'block', 'require_approval'),
  severity: fc.constantFrom('low', 'medium', 'high', 'critical'),
  reason: text,
  approver_group: fc.constantFrom(null, 'Platform Security', 'Repository Owners', 'AI Governance', 'Release Governance'),
});

/** The same byte stream for both sides: `seed` bytes, repeated. */
const replayableRandom = (seed: readonly number[]): RandomBytes => {
  let next = 0;
  return (size) => Uint8Array.from({ length: size }, () => seed[next++ % seed.length] as number);
};

/** Writes `core` with a writer, returns the line as text and checks it stayed within the bound. */
function written(core: DecisionCore, seed: number[], micros: number): string {
  const writer = createDecisionLineWriter({ random: replayableRandom(seed), clock: () => micros });
  const bound = writer.bound(core);
  // Filled with a marker first: every byte of the line must be written, none past the end.
  const target = Buffer.alloc(bound + 16, 0xff);
  const end = writer.write(core, target, 8);
  expect(end - 8).toBeLessThanOrEqual(bound);
  expect(target[7]).toBe(0xff);
  expect(target[end]).toBe(0xff);
  return Buffer.from(target.subarray(8, end)).toString('utf8');
}

const micros = fc.oneof(
  fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  // Whole seconds: Python prints no fraction at all.
  fc.integer({ min: 0, max: 9_000_000_000 }).map((second) => second * 1_000_000),
);

describe('createDecisionLineWriter', () => {
  test.prop([coreArbitrary, fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 12 }), micros])(
    'writes the bytes of JSON.stringify(envelope(core)), ids and time drawn alike',
    (core, seed, at) => {
      const decision = createDecisionEnveloper({ random: replayableRandom(seed), clock: () => at })(core);
      expect(written(core, seed, at)).toBe(JSON.stringify(decision));
    },
  );

  // Few distinct values per field, so that one writer meets the same runs again with other fields changed.
  const few = <T>(...values: T[]): fc.Arbitrary<T> => fc.constantFrom(...values);
  const collidingCore: fc.Arbitrary<DecisionCore> = fc.record({
    session_id: few('s1', 's2', 'a"b'),
    agent_id: few('agent', 'other'),
    actor: few('ai-agent', 'human'),
    action_type: few('read_file', 'run_command'),
    target: fc.option(text, { nil: null }),
    requested_operation: few(null, 'read', 'ä'),
    policy_pack: few('p1', 'p2'),
    policy_id: few('p1', 'p2'),
    rule_id: few('r1', 'r2'),
    decision: few('allow', 'block'),
    severity: few('low', 'high'),
    reason: few('because', 'why\n'),
    approver_group: few(null, 'AI Governance'),
  });

  test.prop([fc.array(collidingCore, { minLength: 1, maxLength: 60 }), fc.integer({ min: 0, max: 4_000_000_000_000_000 })])(
    'writes every line of a run of decisions alike, its cached runs never mixing fields',
    (cores, start) => {
      const seed = [1, 2, 3, 250];
      let clockA = start;
      let clockB = start;
      const envelope = createDecisionEnveloper({ random: replayableRandom(seed), clock: () => (clockA += 999_999) });
      const writer = createDecisionLineWriter({ random: replayableRandom(seed), clock: () => (clockB += 999_999) });
      const target = Buffer.alloc(cores.reduce((sum, core) => sum + writer.bound(core), 0));
      let end = 0;
      for (const core of cores) end = writer.write(core, target, end);
      expect(target.subarray(0, end).toString('utf8')).toBe(cores.map((core) => JSON.stringify(envelope(core))).join(''));
    },
  );

  it('draws ids from the CSPRNG by default: well-formed, distinct, also across pool refills', () => {
    const writer = createDecisionLineWriter();
    const core = { ...baseCore, session_id: 'sé"s' };
    const target = Buffer.alloc(3000 * writer.bound(core));
    const ends = [0];
    for (let i = 0; i < 3000; i++) ends.push(writer.write(core, target, ends[i] as number));
    const ids = new Set<string>();
    for (let i = 0; i < 3000; i++) {
      const decision = decisionSchema.parse(JSON.parse(target.subarray(ends[i], ends[i + 1]).toString('utf8')));
      ids.add(decision.decision_id).add(decision.correlation_id);
    }
    expect(ids.size).toBe(6000);
  });

  it('draws the decision id, then the correlation id, from its randomness, and reads the clock once per line', () => {
    const draws: number[] = [];
    let reads = 0;
    const writer = createDecisionLineWriter({
      random: (size) => {
        draws.push(size);
        return new Uint8Array(size).fill(draws.length === 1 ? 0xab : 0xcd);
      },
      clock: () => {
        reads++;
        return 1_767_323_045_000_001;
      },
    });
    const core: DecisionCore = {
      session_id: 's',
      agent_id: 'a',
      actor: 'ai-agent',
      action_type: 'read_file',
      target: null,
      requested_operation: null,
      policy_pack: 'p',
      policy_id: 'p',
      rule_id: 'r',
      decision: 'allow',
      severity: 'low',
      reason: 'ok',
      approver_group: null,
    };
    const target = Buffer.alloc(writer.bound(core));
    const line = Buffer.from(target.subarray(0, writer.write(core, target, 0))).toString();
    expect(draws).toEqual([6, 6]);
    expect(reads).toBe(1);
    expect(JSON.parse(line)).toMatchObject({
      decision_id: 'dec_abababababab',
      evidence_refs: ['evidence://s/dec_abababababab'],
      correlation_id: 'corr_cdcdcdcdcdcd',
      timestamp: '2026-01-02T03:04:05.000001+00:00',
      target: null,
    });
  });

  it('keeps the second it formatted for later lines, and formats a new second afresh', () => {
    const instants = [1_767_323_045_000_000, 1_767_323_045_999_999, 1_767_323_046_000_010];
    const clock = [...instants];
    const writer = createDecisionLineWriter({ clock: () => clock.shift() as number });
    const core = { ...baseCore };
    const stamps = instants.map(() => {
      const target = Buffer.alloc(writer.bound(core));
      return (JSON.parse(Buffer.from(target.subarray(0, writer.write(core, target, 0))).toString()) as { timestamp: string }).timestamp;
    });
    expect(stamps).toEqual(['2026-01-02T03:04:05+00:00', '2026-01-02T03:04:05.999999+00:00', '2026-01-02T03:04:06.000010+00:00']);
  });
});

const baseCore: DecisionCore = {
  session_id: 'sess',
  agent_id: 'agent',
  actor: 'ai-agent',
  action_type: 'run_command',
  target: 'ls',
  requested_operation: null,
  policy_pack: 'cavra-ai-agent-baseline',
  policy_id: 'cavra-ai-agent-baseline',
  rule_id: 'commands.allow',
  decision: 'allow',
  severity: 'low',
  reason: 'ok',
  approver_group: null,
};
