import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { parsePyJson, type PyDict } from '@cavra/policy-model';
import {
  APPROVAL_REQUIRED_KINDS,
  EXECUTION_KINDS,
  KNOWN_KINDS,
} from '../../src/release-governance/kinds.js';
import { evaluateReleaseGovernanceRecord } from '../../src/release-governance/evaluate-record.js';

const LABEL = 'cavra-ai-agent-baseline';
const decide = (json: string) =>
  evaluateReleaseGovernanceRecord(parsePyJson(`{"action_type": "release_governance_record", ${json}}`) as PyDict, LABEL);
const outcome = (json: string): string => {
  const d = decide(json);
  return `${d.decision} / ${d.rule_id.replace('release_governance.', '')} / ${d.severity} / ${String(d.approver_group)}`;
};
const pythonErrorOf = (json: string): string | undefined => {
  try {
    decide(json);
    return undefined;
  } catch (error) {
    return (error as { python?: string }).python;
  }
};

describe('the outcome table, row by row', () => {
  it.each([
    ['"record": {}', 'require_approval / record.missing / medium / Release Governance'],
    ['"record": {"approval_state": "approved"}', 'block / approval.missing / critical / Release Governance'],
    ['"record": {"approval_state": "approved", "approval_id": "apr_1"}', 'allow / approval.approved / low / null'],
    ['"record": {"approval_state": "pending"}', 'require_approval / approval.pending / high / Release Governance'],
    ['"record": {"approval_state": "Rejected"}', 'block / approval.denied / critical / Release Governance'],
    ['"record": {"approval_state": "maybe"}', 'require_approval / approval.unknown / medium / Release Governance'],
    ['"record": {"metadata_kind": "release-connector-delivery"}', 'block / delivery.failed / high / Release Governance'],
    ['"record": {"alert_level": "Critical"}', 'require_approval / signal.critical / high / Release Governance'],
    ['"record": {"metadata_kind": "rollout-rollback-execution"}', 'block / approval.missing / critical / Release Governance'],
    ['"record": {"metadata_kind": "custom", "approval_required_count": 1}', 'require_approval / approval.required / high / Release Governance'],
    ['"record": {"metadata_kind": "endpoint-inventory-ingestion"}', 'allow / record.verified / low / null'],
    ['"record": {"metadata_kind": "rollout-promotion-audit-export"}', 'allow / approval.not_required / low / null'],
  ])('%s → %s', (request, expected) => expect(outcome(request)).toBe(expected));
});

describe('precedence and request fields', () => {
  it('an explicit state beats delivery failures and signals', () => {
    expect(outcome('"record": {"metadata_kind": "release-connector-delivery", "approval_state": "approved", "approval_id": "a"}')).toBe(
      'allow / approval.approved / low / null',
    );
    expect(outcome('"record": {"metadata_kind": "rollout-rollback-execution", "alert_level": "critical"}')).toContain('signal.critical');
  });
  it('a delivery kind from the target never fails delivery', () => {
    expect(outcome('"record": {"delivery_success": false}, "target": "release-connector-delivery"')).toContain('record.verified');
  });
  it('uses release_governance when record is falsy, and a truthy record otherwise', () => {
    expect(outcome('"record": {}, "release_governance": {"approval_state": "denied"}')).toContain('approval.denied');
    expect(outcome('"record": {"approval_state": "pending"}, "release_governance": {"approval_state": "denied"}')).toContain('pending');
  });
  it('reads operation by key presence, then requested_operation, then "verify"', () => {
    expect(decide('"record": {}, "operation": null, "requested_operation": "x"').requested_operation).toBeNull();
    expect(decide('"record": {}, "operation": ""').requested_operation).toBe('');
    expect(decide('"record": {}, "requested_operation": "promote"').requested_operation).toBe('promote');
    expect(decide('"record": {}').requested_operation).toBe('verify');
  });
  it('passes a truthy target through raw, and prints the kind with str()', () => {
    const d = decide('"record": {"approval_state": "pending"}, "target": 5');
    expect(d.target).toBe(5n);
    expect(d.reason).toBe('5 is waiting for release governance approval.');
    expect(decide('"record": {"metadata_kind": true}').reason).toBe('True does not require release governance approval.');
    expect(decide('"record": {"approval_state": "pending"}, "target": " prod "').reason).toBe(' prod  is waiting for release governance approval.');
  });
  it('keeps identity fields: absent gets the default, null stays null', () => {
    const d = decide('"record": {}, "session_id": null');
    expect([d.session_id, d.agent_id, d.actor]).toEqual([null, 'unknown-agent', 'ai-agent']);
  });
});

describe('errors where Python raises', () => {
  it.each([
    ['"record": "approved"', "AttributeError: 'str' object has no attribute 'get'"],
    ['"record": [1]', "AttributeError: 'list' object has no attribute 'get'"],
    ['"record": 1.5', "AttributeError: 'float' object has no attribute 'get'"],
    ['"record": true', "AttributeError: 'bool' object has no attribute 'get'"],
    ['"record": {"approval_state": "approved", "approval_id": "a", "approval_required_count": 1e400}', 'OverflowError: cannot convert float infinity to integer'],
    ['"record": {"critical_count": 1, "blocked_count": -1e400}', 'OverflowError: cannot convert float infinity to integer'],
    ['"record": {"release_channel": "x"}, "target": ["prod"]', "TypeError: unhashable type: 'list'"],
    ['"record": {"release_channel": "x"}, "target": {"k": 1}', "TypeError: unhashable type: 'dict'"],
  ])('%s raises %s', (request, python) => expect(pythonErrorOf(request)).toBe(python));
  it('does not evaluate counts or kind sets it does not reach', () => {
    expect(pythonErrorOf('"record": {"alert_level": "critical", "blocked_count": 1e400}')).toBeUndefined();
    expect(pythonErrorOf('"record": {"blocked_count": 1, "critical_count": -1e400}')).toBeUndefined();
    expect(decide('"record": {"approval_state": "pending", "metadata_kind": ""}, "target": [1]').reason).toBe(
      '[1] is waiting for release governance approval.',
    );
    expect(pythonErrorOf('"record": {}, "target": [1]')).toBeUndefined();
  });
});

describe('properties', () => {
  const kindArb = fc.constantFrom(...KNOWN_KINDS, 'custom', 'release-governance-record', 'rollout-promotion-audit-export');
  test.prop([kindArb, fc.integer({ min: -3, max: 3 })])('a kind without state: approval rows follow the kind tables', (kind, count) => {
    const d = decide(`"record": {"metadata_kind": "${kind}", "approval_required_count": ${count}}`);
    const requires = count > 0 || APPROVAL_REQUIRED_KINDS.has(kind);
    const delivery = kind === 'release-connector-delivery' || kind === 'endpoint-management-publication-delivery';
    const expected = delivery
      ? 'release_governance.delivery.failed'
      : requires && EXECUTION_KINDS.has(kind)
        ? 'release_governance.approval.missing'
        : requires
          ? 'release_governance.approval.required'
          : KNOWN_KINDS.has(kind)
            ? 'release_governance.record.verified'
            : 'release_governance.approval.not_required';
    expect(d.rule_id).toBe(expected);
  });
  test.prop([fc.string(), fc.string()])('an approved state with a non-blank id always allows', (kind, id) => {
    // eslint-disable-next-line no-control-regex
    fc.pre(id.trim() !== '' && !/[\u001c-\u001f\u0085]/.test(id));
    const d = decide(`"record": {"metadata_kind": ${JSON.stringify(kind)}, "approval_state": "approved", "approval_id": ${JSON.stringify(id)}}`);
    expect(d.decision).toBe('allow');
    expect(d.approver_group).toBeNull();
  });
});
