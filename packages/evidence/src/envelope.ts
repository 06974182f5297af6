import type { Decision, DecisionCore } from '@cavra/policy-model';
import { newCorrelationId, newDecisionId, pooledRandomBytes, type RandomBytes } from './identifiers.js';
import { pythonUtcIsoformat, systemMicrosecondClock, type MicrosecondClock } from './timestamp.js';

export interface EnvelopeOptions {
  random?: RandomBytes;
  clock?: MicrosecondClock;
}

/** `evidence://<session_id>/<decision_id>`: the session id is not escaped (Python doesn't). */
export const evidenceRef = (sessionId: string, decisionId: string): string => `evidence://${sessionId}/${decisionId}`;

/** The deterministic fields of any decision the envelope wraps (their values may be Python values). */
export type EnvelopeCore = { readonly [K in keyof DecisionCore]: unknown };

/** `core` with the four volatile fields added. */
export type Enveloped<C extends EnvelopeCore> = C & {
  evidence_refs: [string];
  timestamp: string;
  correlation_id: string;
  decision_id: string;
};

/**
 * Turns deterministic decisions into full decision objects: adds `decision_id`,
 * `evidence_refs`, `timestamp` and `correlation_id`, with every key in Python's `to_dict()`
 * order. Ids and time are the edge's business, so they live here, not in the evaluator.
 * `sessionText` is how the session id appears in the evidence reference (Python's `str()` of a
 * non-string session id, for release-governance records).
 */
export function createEnveloper<C extends EnvelopeCore>(
  options: EnvelopeOptions,
  sessionText: (sessionId: C['session_id']) => string,
): (core: C) => Enveloped<C> {
  const random = options.random ?? pooledRandomBytes();
  const clock = options.clock ?? systemMicrosecondClock();
  return (core) => {
    const decisionId = newDecisionId(random);
    const decision = {
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
      evidence_refs: [evidenceRef(sessionText(core.session_id), decisionId)],
      approver_group: core.approver_group,
      timestamp: pythonUtcIsoformat(clock()),
      correlation_id: newCorrelationId(random),
    };
    return decision as unknown as Enveloped<C>;
  };
}

/** The envelope of the five action types' decisions (string session ids). */
export function createDecisionEnveloper(options: EnvelopeOptions = {}): (core: DecisionCore) => Decision {
  return createEnveloper<DecisionCore>(options, (sessionId) => sessionId);
}
