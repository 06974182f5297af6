import { CavraError } from '@cavra/policy-model';
import type { EvidenceSink } from '@cavra/evidence';
import {
  answerLine,
  recordInEvidence,
  textAnswerer,
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
  /** The same, as the compact decision line. */
  line(request: unknown): string;
  /** `line`, emitted into the batch path's output. */
  answer: RequestAnswerer;
  /** Counts a request answered with an error (bad input, refused, fault). */
  countError: (error: unknown) => void;
}

export function createDecisionService(
  policy: PolicyHolder,
  metrics: ServerMetrics,
  evidenceSink: EvidenceSink | undefined,
): DecisionService {
  const observe = (decided: { decision: unknown; rule_id: unknown }, started: number): void => {
    metrics.countDecision(String(decided.decision), String(decided.rule_id));
    metrics.latency.observe((performance.now() - started) / 1000);
  };
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
    observe(decision, started);
    return decision;
  };
  const line = (request: unknown): string => answerLine(decide(request));
  // Without an evidence log, batch lines are written in place (the decision object is never built).
  const writeInPlace: RequestAnswerer = (request, out) => {
    const started = performance.now();
    observe(policy.current.engine.writeDecisionLine(request, out), started);
  };
  return {
    decide,
    line,
    answer: evidenceSink ? textAnswerer(line) : writeInPlace,
    countError: (error) => metrics.errors.inc({ code: error instanceof CavraError ? error.code : 'internal' }),
  };
}
