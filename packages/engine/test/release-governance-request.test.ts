import { describe, expect, it } from 'vitest';
import { parsePyJson } from '@cavra/policy-model';
import { createDecisionEngine } from '../src/engine.js';
import { isReleaseGovernanceDecision, releaseGovernanceDecisionJson } from '../src/release-governance-request.js';

/** Test doubles for the edge: fixed bytes and a fixed clock. */
const fixedRandom = (size: number): Uint8Array => new Uint8Array(size).fill(0xab);
const fixedClock = (): number => Date.UTC(2026, 0, 2, 3, 4, 5) * 1000 + 6;

const engine = createDecisionEngine({ envelope: { random: fixedRandom, clock: fixedClock } });

describe('release-governance requests through the engine', () => {
  it('are decided before the string-field check, from plain objects and from Python-model mappings', () => {
    const plain = engine.decideCore({ action_type: 'release_governance_record', record: { approval_state: 'pending' }, target: 5 });
    expect(plain).toMatchObject({ rule_id: 'release_governance.approval.pending', target: 5n, approver_group: 'Release Governance' });
    const exact = engine.decideCore(parsePyJson('{"action_type": "release_governance_record", "record": {"metadata_kind": 1.0}}'));
    expect(exact.reason).toBe('1.0 does not require release governance approval.');
  });

  it('builds the guard first: an unknown pack fails like Python, a non-string pack is refused', () => {
    expect(() => engine.decide({ action_type: 'release_governance_record', record: 'x', policy_pack: 'nope' })).toThrow(
      expect.objectContaining({ python: "PolicyRegistryError: Policy pack 'nope' not found." }),
    );
    expect(() => engine.decide({ action_type: 'release_governance_record', policy_pack: 5 })).toThrow(
      expect.objectContaining({ code: 'invalid_request' }),
    );
  });

  it('envelopes the decision with ids and time from the evidence helpers, str() of the session in the ref', () => {
    const decision = engine.decide({ action_type: 'release_governance_record', session_id: null });
    expect(isReleaseGovernanceDecision(decision)).toBe(true);
    if (!isReleaseGovernanceDecision(decision)) return;
    expect(decision.evidence_refs).toEqual(['evidence://None/dec_abababababab']);
    expect(releaseGovernanceDecisionJson(decision)).toBe(
      '{"decision_id":"dec_abababababab","session_id":null,"agent_id":"unknown-agent","actor":"ai-agent",' +
        '"action_type":"release_governance_record","target":"release-governance-record","requested_operation":"verify",' +
        '"policy_pack":"cavra-ai-agent-baseline","policy_id":"cavra-ai-agent-baseline","rule_id":"release_governance.record.missing",' +
        '"decision":"require_approval","severity":"medium","reason":"Release governance record payload is missing.",' +
        '"evidence_refs":["evidence://None/dec_abababababab"],"approver_group":"Release Governance",' +
        '"timestamp":"2026-01-02T03:04:05.000006+00:00","correlation_id":"corr_abababababab"}',
    );
  });

  it('leaves the five action types on their own path, Python-model mappings included', () => {
    const fromMap = engine.decideCore(parsePyJson('{"action_type": "read_file", "target": ".env"}'));
    expect(fromMap).toMatchObject({ rule_id: 'filesystem.read.block' });
    expect(() => engine.decideCore({ action_type: 'read_file', target: 5 })).toThrow(expect.objectContaining({ code: 'invalid_request' }));
  });
});
