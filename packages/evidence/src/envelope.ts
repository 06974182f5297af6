import type { Decision, DecisionCore } from '@cavra/policy-model';
import { newCorrelationId, newDecisionId, pooledRandomBytes, type RandomBytes } from './identifiers.js';
import { pythonUtcIsoformat, systemMicrosecondClock, type MicrosecondClock } from './timestamp.js';

export interface EnvelopeOptions {
  random?: RandomBytes;
  clock?: MicrosecondClock;
}

/** `evidence://<session_id>/<decision_id>`: the session id is not escaped (Python doesn't). */
export const evidenceRef = (sessionId: string, decisionId: string): string => `evidence://${sessionId}/${decisionId}`;

/**
 * Turns deterministic decisions into full decision objects: adds `decision_id`,
 * `evidence_refs`, `timestamp` and `correlation_id`, with every key in Python's `to_dict()`
 * order. Ids and time are the edge's business, so they live here, not in the evaluator.
 */
export function createDecisionEnveloper(options: EnvelopeOptions = {}): (core: DecisionCore) => Decision {
  const random = options.random ?? pooledRandomBytes();
  const clock = options.clock ?? systemMicrosecondClock();
  return (core) => {
    const decisionId = newDecisionId(random);
    return {
      decision_id: decisionId,
      session_id: core.session_id,
      agent_id: core.agent_id,
      actor: core.actor,
      action_type: core.action_type,
      target: core.target,
      requested_operation: core.requested_operation,
      policy_pack: core.policy_pack,
      policy_id: core.policy_id,
      rule_id: core.rule_id,
      decision: core.decision,
      severity: core.severity,
      reason: core.reason,
      evidence_refs: [evidenceRef(core.session_id, decisionId)],
      approver_group: core.approver_group,
      timestamp: pythonUtcIsoformat(clock()),
      correlation_id: newCorrelationId(random),
    };
  };
}
