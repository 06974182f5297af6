import { CavraError } from '@cavra/policy-model';
import type { EvidenceSink } from '@cavra/evidence';
import {
  answerLine,
  recordInEvidence,
  type DecisionEngine,
  type RequestAnswerer,
} from '@cavra/engine';

/** A decision as the engine gives it (one of the five action types, or a release-governance record). */
type EngineDecision = ReturnType<DecisionEngine['decide']>;
import type { ServerMetrics } from './metrics.js';
import type { PolicyHolder } from './policy-state.js';

/** Decides one parsed request through the serving policy, with evidence and metrics. */
export interface DecisionService {
  /** The decision (with the evidence log's reference added); throws `CavraError` for bad input. */
  decide(request: unknown): EngineDecision;
  /** The same, as the compact decision line (the batch path's answerer). */
  answer: RequestAnswerer;
  /** Counts a request answered with an error (bad input, refused, fault). */
  countError: (error: unknown) => void;
}

export function createDecisionService(
  policy: PolicyHolder,
  metrics: ServerMetrics,
  evidenceSink: EvidenceSink | undefined,
): DecisionService {
  const decide = (request: unknown): EngineDecision => {
    const started = performance.now();
    // One read of the serving policy per request: a reload swaps it whole between requests.
    let decision = policy.current.engine.decide(request);
    if (evidenceSink) {
      try {
        decision = recordInEvidence(evidenceSink, request, decision);
      } catch (error) {
        // A decision that cannot be recorded is not answered (never an unrecorded allow).
        throw new CavraError(
          'evidence_unavailable',
          `the decision could not be recorded: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
    metrics.countDecision(String(decision.decision), String(decision.rule_id));
    metrics.latency.observe((performance.now() - started) / 1000);
    return decision;
  };
  return {
    decide,
    answer: (request) => answerLine(decide(request)),
    countError: (error) => metrics.errors.inc({ code: error instanceof CavraError ? error.code : 'internal' }),
  };
}
