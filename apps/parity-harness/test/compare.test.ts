import { describe, expect, it } from 'vitest';
import { fromPlainJson, type PyDict } from '@cavra/policy-model';
import { compareOutcomes, stripVolatile, volatileFormatIssues } from '../src/compare.js';

const decision = (overrides: Record<string, unknown> = {}): PyDict =>
  fromPlainJson({
    decision_id: 'dec_0123456789ab',
    session_id: 'local',
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
    evidence_refs: ['evidence://local/dec_0123456789ab'],
    approver_group: null,
    timestamp: '2026-01-02T03:04:05.123456+00:00',
    correlation_id: 'corr_0123456789ab',
    ...overrides,
  }) as PyDict;

const live = { pythonHasVolatile: true };

describe('compareOutcomes', () => {
  it('matches equal decisions with different volatile values', () => {
    const other = decision({
      decision_id: 'dec_ffffffffffff',
      evidence_refs: ['evidence://local/dec_ffffffffffff'],
      timestamp: '2026-01-02T03:04:05+00:00',
    });
    expect(
      compareOutcomes(
        { kind: 'decision', decision: decision() },
        { kind: 'decision', decision: other },
        live,
      ),
    ).toEqual({ status: 'match' });
  });

  it('reports every differing deterministic field', () => {
    const verdict = compareOutcomes(
      { kind: 'decision', decision: decision() },
      { kind: 'decision', decision: decision({ severity: 'critical', reason: 'x' }) },
      live,
    );
    expect(verdict.status).toBe('mismatch');
    expect(verdict.status === 'mismatch' && verdict.fields.map((f) => f.field)).toEqual([
      'severity',
      'reason',
    ]);
  });

  it('treats null and a missing value, and int and float, as different', () => {
    const withString = decision({ approver_group: 'Platform Security' });
    expect(
      compareOutcomes(
        { kind: 'decision', decision: decision() },
        { kind: 'decision', decision: withString },
        live,
      ).status,
    ).toBe('mismatch');
    const a = decision();
    a.set('session_id', 1n);
    a.set('evidence_refs', ['evidence://1/dec_0123456789ab']);
    const b = decision();
    b.set('session_id', 1.0);
    b.set('evidence_refs', ['evidence://1.0/dec_0123456789ab']);
    const verdict = compareOutcomes(
      { kind: 'decision', decision: a },
      { kind: 'decision', decision: b },
      live,
    );
    expect(verdict.status === 'mismatch' && verdict.fields.map((f) => f.field)).toEqual(['session_id']);
  });

  it('checks key order', () => {
    const reordered: PyDict = new Map([...decision()].reverse());
    const verdict = compareOutcomes(
      { kind: 'decision', decision: decision() },
      { kind: 'decision', decision: reordered },
      live,
    );
    expect(verdict.status === 'mismatch' && verdict.fields.map((f) => f.field)).toContain('key_order');
  });

  it.each([
    ['decision_id', 'dec_0123456789AB'],
    ['correlation_id', 'corr_123'],
    ['timestamp', '2026-01-02T03:04:05.123Z'],
    ['timestamp', '2026-01-02T03:04:05.123000'],
  ])('flags a TS %s in the wrong format (%s)', (field, value) => {
    const verdict = compareOutcomes(
      { kind: 'decision', decision: decision() },
      { kind: 'decision', decision: decision({ [field]: value }) },
      live,
    );
    expect(verdict.status === 'mismatch' && verdict.fields.map((f) => f.field)).toContain(
      `${field} (format)`,
    );
  });

  it('ties evidence_refs to the session and decision id', () => {
    expect(volatileFormatIssues(decision({ evidence_refs: ['evidence://other/dec_0123456789ab'] }))).toEqual([
      'evidence_refs',
    ]);
    expect(
      volatileFormatIssues(
        decision({ session_id: null, evidence_refs: ['evidence://None/dec_0123456789ab'] }),
      ),
    ).toEqual([]);
  });

  it('compares recorded answers without volatile keys', () => {
    expect(
      compareOutcomes(
        { kind: 'decision', decision: stripVolatile(decision()) },
        { kind: 'decision', decision: decision() },
        { pythonHasVolatile: false },
      ),
    ).toEqual({ status: 'match' });
  });

  it('counts the unknown action type as the one allowed difference, and only with the fail-closed decision', () => {
    const failClosed = decision({
      action_type: 'pull_request',
      rule_id: 'runtime.default.require_approval',
      decision: 'require_approval',
      severity: 'medium',
      approver_group: 'Repository Owners',
    });
    const python = {
      kind: 'error' as const,
      error: 'AssertionError: unsupported parity action: pull_request',
    };
    expect(compareOutcomes(python, { kind: 'decision', decision: failClosed }, live)).toEqual({
      status: 'allowed',
      difference: 'unknown_action_type',
    });
    const allowing = new Map(failClosed).set('decision', 'allow');
    expect(compareOutcomes(python, { kind: 'decision', decision: allowing }, live).status).toBe('mismatch');
  });

  it('compares errors by their Python error line', () => {
    expect(
      compareOutcomes(
        { kind: 'error', error: "KeyError: 'target'" },
        { kind: 'error', error: "KeyError: 'target'" },
        live,
      ),
    ).toEqual({ status: 'match' });
    expect(
      compareOutcomes(
        { kind: 'error', error: "KeyError: 'target'" },
        { kind: 'error', error: "KeyError: 'tool'" },
        live,
      ).status,
    ).toBe('mismatch');
    expect(
      compareOutcomes(
        { kind: 'error', error: "KeyError: 'target'" },
        { kind: 'decision', decision: decision() },
        live,
      ).status,
    ).toBe('mismatch');
  });
});
