import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { parsePyJson, type PyDict, type PyValue } from '@cavra/policy-model';
import { createApprovalRequest, type ApprovalEdge } from '../src/record.js';
import {
  actorCanDecide,
  applyApprovalDecision,
  checkStoredApproval,
  createBreakGlassApproval,
} from '../src/transitions.js';

/** A test double for the edge: sequential ids and a clock that ticks one microsecond per read. */
function fakeEdge(startMicros = Date.UTC(2026, 11, 1, 19, 2, 41) * 1000 + 288_208): ApprovalEdge & { reads: number } {
  let ids = 0;
  const edge = {
    reads: 0,
    approvalId: () => `apr_${(++ids).toString(16).padStart(12, '0')}`,
    nowMicros: () => startMicros + edge.reads++,
  };
  return edge;
}

const DECISION = parsePyJson(
  '{"decision_id": "dec_201cbc4282ce", "session_id": "local", "rule_id": "commands.default.require_approval", "severity": "medium",' +
    ' "reason": "No allow rule matched; review required.", "evidence_refs": ["evidence://local/dec_201cbc4282ce"],' +
    ' "approver_group": "Repository Owners", "correlation_id": "corr_c80d38fc8403"}',
) as PyDict;

const errorOf = (run: () => unknown): string | undefined => {
  try {
    run();
    return undefined;
  } catch (error) {
    return (error as { python?: string }).python;
  }
};

describe('createApprovalRequest', () => {
  it('builds the cavra.approval.v1 record in Python key order', () => {
    const record = createApprovalRequest(DECISION, {}, fakeEdge());
    expect([...record.keys()]).toEqual([
      'schema_version', 'product', 'approval_id', 'decision_id', 'session_id', 'correlation_id', 'state',
      'approver_group', 'requested_by', 'requested_at', 'expires_at', 'decision', 'history', 'evidence_refs',
    ]);
    expect(record.get('approval_id')).toBe('apr_000000000001');
    expect(record.get('approver_group')).toBe('Repository Owners');
    expect(record.get('requested_at')).toBe('2026-12-01T19:02:41.288208+00:00');
    expect(record.get('expires_at')).toBe('2026-12-02T19:02:41.288209+00:00');
    expect(record.get('evidence_refs')).toEqual(['approval://apr_000000000001', 'evidence://local/dec_201cbc4282ce']);
    const [event] = record.get('history') as PyDict[];
    expect(Object.fromEntries(event ?? [])).toEqual({
      event: 'requested', actor: 'ai-agent', timestamp: '2026-12-01T19:02:41.288208+00:00', reason: 'No allow rule matched; review required.',
    });
  });
  it('routing beats the decision group, an explicit group beats both, [] turns routing off', () => {
    const mcp = parsePyJson('{"decision_id": "d", "rule_id": "mcp.x", "approver_group": "X"}');
    expect(createApprovalRequest(mcp, {}, fakeEdge()).get('approver_group')).toBe('AI Governance');
    expect(createApprovalRequest(mcp, { approverGroup: 'CAB' }, fakeEdge()).get('approver_group')).toBe('CAB');
    expect(createApprovalRequest(mcp, { approverGroup: '' }, fakeEdge()).get('approver_group')).toBe('AI Governance');
    expect(createApprovalRequest(mcp, { routingRules: [] }, fakeEdge()).get('approver_group')).toBe('X');
  });
  it.each([
    [0, '2026-12-01T20:02:41.288209+00:00'],
    [-3, '2026-12-01T20:02:41.288209+00:00'],
    [0.5, '2026-12-01T20:02:41.288209+00:00'],
    [1.5, '2026-12-01T20:32:41.288209+00:00'],
  ])('ttl %s hours → expires %s', (ttlHours, expires) => {
    expect(createApprovalRequest(DECISION, { ttlHours }, fakeEdge()).get('expires_at')).toBe(expires);
  });
  it('keeps a present null session and iterates evidence_refs like Python', () => {
    const record = createApprovalRequest(parsePyJson('{"decision_id": "d", "session_id": null, "approver_group": "G", "evidence_refs": "ab"}'), {}, fakeEdge());
    expect(record.get('session_id')).toBeNull();
    expect(record.get('evidence_refs')).toEqual(['approval://apr_000000000001', 'a', 'b']);
  });
  it.each([
    ['{"approver_group": "G"}', 'ValueError: decision must include decision_id'],
    ['{"decision_id": "d", "rule_id": "x"}', 'ValueError: approval request must include approver_group'],
    ['{"decision_id": "d", "approver_group": "G", "evidence_refs": null}', 'TypeError: Value after * must be an iterable, not NoneType'],
    ['[1]', "AttributeError: 'list' object has no attribute 'get'"],
  ])('%s fails with %s', (decision, python) => {
    expect(errorOf(() => createApprovalRequest(parsePyJson(decision), {}, fakeEdge()))).toBe(python);
  });
});

describe('applyApprovalDecision', () => {
  const pending = (): PyDict => createApprovalRequest(DECISION, {}, fakeEdge());
  it('approves a pending record: a copy with who, when and why appended', () => {
    const before = pending();
    const after = applyApprovalDecision(before, { state: 'approved', actor: 'lead', reason: 'ok', externalRef: 'CHG-1' }, fakeEdge(0));
    expect(before.get('state')).toBe('pending');
    expect(after.get('state')).toBe('approved');
    expect([...after.keys()].slice(-4)).toEqual(['decided_by', 'decided_at', 'decision_reason', 'external_ref']);
    const history = after.get('history') as PyDict[];
    expect(history).toHaveLength(2);
    expect(Object.fromEntries(history[1] ?? [])).toEqual({
      event: 'approved', actor: 'lead', timestamp: '1970-01-01T00:00:00+00:00', reason: 'ok', external_ref: 'CHG-1',
    });
  });
  it('appends external_ref only when truthy, but always records it in history', () => {
    const after = applyApprovalDecision(pending(), { state: 'denied', actor: 'a', reason: 'r', externalRef: '' }, fakeEdge());
    expect(after.has('external_ref')).toBe(false);
    expect((after.get('history') as PyDict[])[1]?.get('external_ref')).toBe('');
  });
  it.each([
    [{ state: 'approve', actor: 'a', reason: 'r' }, 'ValueError: state must be approved, denied, or expired'],
    [{ state: 'pending', actor: 'a', reason: 'r' }, 'ValueError: state must be approved, denied, or expired'],
    [{ state: 'approved', actor: '', reason: 'r' }, 'ValueError: actor is required'],
    [{ state: 'approved', actor: 'a', reason: null }, 'ValueError: reason is required'],
    [
      { state: 'approved', actor: 'a', reason: 'r', actorContext: parsePyJson('{"groups": ["Other"]}') },
      'ValueError: actor is not authorized for approval group',
    ],
    [
      { state: 'expired', actor: 'sys', reason: 'r', actorContext: parsePyJson('{"groups": ["system"]}') },
      'ValueError: actor is not authorized for approval group',
    ],
  ])('%j fails with %s', (input, python) => {
    expect(errorOf(() => applyApprovalDecision(pending(), input, fakeEdge()))).toBe(python);
  });
  it('lets a member of the group decide, and skips the check for an empty context', () => {
    const member = parsePyJson('{"groups": ["Repository Owners"]}');
    expect(applyApprovalDecision(pending(), { state: 'approved', actor: 'a', reason: 'r', actorContext: member }, fakeEdge()).get('state')).toBe('approved');
    expect(applyApprovalDecision(pending(), { state: 'denied', actor: 'a', reason: 'r', actorContext: new Map() }, fakeEdge()).get('state')).toBe('denied');
  });
  test.prop([fc.constantFrom('approved', 'denied', 'expired'), fc.constantFrom('approved', 'denied', 'expired')])(
    'decided records are final',
    (first, second) => {
      const decided = applyApprovalDecision(pending(), { state: first, actor: 'a', reason: 'r' }, fakeEdge());
      expect(errorOf(() => applyApprovalDecision(decided, { state: second, actor: 'a', reason: 'r' }, fakeEdge()))).toBe(
        'ValueError: only pending approvals can be changed',
      );
    },
  );
  test.prop([fc.array(fc.constantFrom('Repository Owners', 'system', 'Change Advisory Board', 'IAM'), { maxLength: 4 }), fc.constantFrom('approved', 'denied', 'expired')])(
    'an actor may decide exactly when they are in the record\'s group',
    (groups, state) => {
      const context = new Map<PyValue, PyValue>([['groups', groups]]);
      const allowed = groups.includes('Repository Owners');
      const result = errorOf(() => applyApprovalDecision(pending(), { state, actor: 'a', reason: 'r', actorContext: context }, fakeEdge()));
      expect(result === undefined).toBe(allowed);
    },
  );
});

describe('actorCanDecide', () => {
  const record = (json: string): PyDict => parsePyJson(json) as PyDict;
  it('lets system expire (the action, not the state), and reserves break-glass records to the CAB', () => {
    const ctx = record('{"groups": ["system"]}');
    expect(actorCanDecide(ctx, record('{"approver_group": "IAM"}'), 'expire')).toBe(true);
    expect(actorCanDecide(ctx, record('{"approver_group": "IAM"}'), 'expired')).toBe(false);
    expect(actorCanDecide(record('{"groups": ["IAM"]}'), record('{"approver_group": "IAM", "break_glass": true}'), 'approved')).toBe(false);
    expect(
      actorCanDecide(record('{"groups": ["IAM", "Change Advisory Board"]}'), record('{"approver_group": "IAM", "break_glass": true}'), 'approved'),
    ).toBe(true);
  });
});

describe('createBreakGlassApproval', () => {
  it('requests, approves and marks break_glass, with a fresh expiry and three history events', () => {
    const edge = fakeEdge();
    const record = createBreakGlassApproval(DECISION, { actor: 'oncall', reason: 'outage', externalRef: 'INC-9' }, edge);
    expect([...record.keys()]).toEqual([
      'schema_version', 'product', 'approval_id', 'decision_id', 'session_id', 'correlation_id', 'state', 'approver_group',
      'requested_by', 'requested_at', 'expires_at', 'decision', 'history', 'evidence_refs', 'decided_by', 'decided_at',
      'decision_reason', 'external_ref', 'break_glass', 'break_glass_reason',
    ]);
    expect(record.get('state')).toBe('break_glass');
    expect(record.get('approver_group')).toBe('Change Advisory Board');
    expect(record.get('requested_by')).toBe('oncall');
    expect((record.get('history') as PyDict[]).map((e) => e.get('event'))).toEqual(['requested', 'approved', 'break_glass']);
    expect(record.get('expires_at')).toBe('2026-12-01T23:02:41.288211+00:00');
    expect(edge.reads).toBe(5);
    expect(errorOf(() => applyApprovalDecision(record, { state: 'approved', actor: 'a', reason: 'r' }, edge))).toBe(
      'ValueError: only pending approvals can be changed',
    );
  });
  it.each([
    [{ actor: '', reason: 'r' }, 'ValueError: actor is required'],
    [{ actor: 'a', reason: '' }, 'ValueError: break-glass reason is required'],
  ])('%j fails with %s', (input, python) => {
    expect(errorOf(() => createBreakGlassApproval(DECISION, input, fakeEdge()))).toBe(python);
  });
});

describe('checkStoredApproval', () => {
  it('refuses records without an id or with an unknown state', () => {
    expect(errorOf(() => checkStoredApproval(parsePyJson('{"state": "pending"}') as PyDict))).toBe('ValueError: approval must include approval_id');
    expect(errorOf(() => checkStoredApproval(parsePyJson('{"approval_id": "a", "state": "approve"}') as PyDict))).toBe(
      'ValueError: unsupported approval state: approve',
    );
    expect(errorOf(() => checkStoredApproval(parsePyJson('{"approval_id": "a", "state": "break_glass"}') as PyDict))).toBeUndefined();
  });
});
