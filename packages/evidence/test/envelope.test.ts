import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { DECISION_KEYS, decisionSchema, type DecisionCore } from '@cavra/policy-model';
import { createDecisionEnveloper, evidenceRef } from '../src/envelope.js';
import { pooledRandomBytes } from '../src/identifiers.js';
import { pythonUtcIsoformat } from '../src/timestamp.js';

const core: DecisionCore = {
  session_id: 's/1 é😀',
  agent_id: 'unknown-agent',
  actor: 'ai-agent',
  action_type: 'read_file',
  target: '.env',
  requested_operation: 'read',
  policy_pack: 'cavra-ai-agent-baseline',
  policy_id: 'cavra-ai-agent-baseline',
  rule_id: 'filesystem.read.block',
  decision: 'block',
  severity: 'high',
  reason: 'Matched sensitive path policy: .env',
  approver_group: null,
};

describe('pythonUtcIsoformat', () => {
  it.each([
    [Date.UTC(2026, 0, 2, 3, 4, 5) * 1000, '2026-01-02T03:04:05+00:00'],
    [Date.UTC(2026, 0, 2, 3, 4, 5) * 1000 + 1, '2026-01-02T03:04:05.000001+00:00'],
    [Date.UTC(2026, 0, 2, 3, 4, 5) * 1000 + 120_000, '2026-01-02T03:04:05.120000+00:00'],
    [0, '1970-01-01T00:00:00+00:00'],
  ])('%s µs → %s', (micros, expected) => {
    expect(pythonUtcIsoformat(micros)).toBe(expected);
  });

  test.prop([fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })])('agrees with toISOString, in Python form', (micros) => {
    const iso = new Date(Math.floor(micros / 1000)).toISOString().slice(0, 19);
    const fraction = micros % 1_000_000;
    expect(pythonUtcIsoformat(micros)).toBe(`${iso}${fraction ? `.${String(fraction).padStart(6, '0')}` : ''}+00:00`);
  });
});

describe('createDecisionEnveloper', () => {
  it('adds the four volatile fields, in Python key order, and keeps the core verbatim', () => {
    const envelope = createDecisionEnveloper({ random: () => new Uint8Array([0xab, 0, 1, 2, 0xfe, 0xff]), clock: () => 1_700_000_000_123_456 });
    const decision = envelope(core);
    expect(Object.keys(decision)).toEqual([...DECISION_KEYS]);
    expect(decision).toMatchObject({
      ...core,
      decision_id: 'dec_ab000102feff',
      correlation_id: 'corr_ab000102feff',
      timestamp: '2023-11-14T22:13:20.123456+00:00',
      evidence_refs: ['evidence://s/1 é😀/dec_ab000102feff'],
    });
    expect(decisionSchema.safeParse(decision).success).toBe(true);
  });

  it('keeps an empty session id: evidence:///dec_…', () => {
    expect(evidenceRef('', 'dec_000000000000')).toBe('evidence:///dec_000000000000');
  });

  it('draws ids from the CSPRNG: distinct and well-formed', () => {
    const envelope = createDecisionEnveloper();
    const ids = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const decision = envelope(core);
      expect(decision.decision_id).toMatch(/^dec_[0-9a-f]{12}$/);
      expect(decision.correlation_id).toMatch(/^corr_[0-9a-f]{12}$/);
      ids.add(decision.decision_id).add(decision.correlation_id.slice(5));
    }
    expect(ids.size).toBe(10_000);
  });

  it('never hands out the same pooled bytes twice', () => {
    const random = pooledRandomBytes();
    const seen = new Set<string>();
    for (let i = 0; i < 10_000; i++) seen.add(Buffer.from(random(6)).toString('hex'));
    expect(seen.size).toBe(10_000);
  });
});
