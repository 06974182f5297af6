import {
  CavraError,
  DECISION_KEYS,
  dumpsPyJson,
  fromPlainJson,
  isPyDict,
  pyStr,
  pyTruthy,
  toPlainJson,
  type Decision,
  type PyDict,
  type PyValue,
} from '@cavra/policy-model';
import type { EvidenceEntry, EvidenceSink } from '@cavra/evidence';
import {
  RELEASE_GOVERNANCE_ACTION_TYPE,
  evaluateReleaseGovernanceRecord,
  type ReleaseGovernanceDecisionCore,
} from '@cavra/evaluator';
import { createEnveloper, type EnvelopeOptions } from '@cavra/evidence';

/** A full release-governance decision: the deterministic core plus the four volatile fields. */
export type ReleaseGovernanceDecision = ReleaseGovernanceDecisionCore & {
  readonly decision_id: string;
  readonly evidence_refs: readonly [string];
  readonly timestamp: string;
  readonly correlation_id: string;
};

/**
 * Whether a parsed request is a release-governance request: a plain object (`JSON.parse`) or a
 * Python-model mapping (`parsePyJson`) whose `action_type` is `release_governance_record`.
 * One property read, so the five other action types pay nothing for it.
 */
export function isReleaseGovernanceInput(input: unknown): boolean {
  if (input instanceof Map) return input.get('action_type') === RELEASE_GOVERNANCE_ACTION_TYPE;
  return (
    typeof input === 'object' &&
    input !== null &&
    (input as { action_type?: unknown }).action_type === RELEASE_GOVERNANCE_ACTION_TYPE
  );
}

/**
 * The request as a Python-model mapping. A `parsePyJson` mapping is used as it is (exact: ints
 * vs floats, big ints, `1e400` as infinity); a plain object is converted, which cannot tell
 * `1.0` from `1` (callers that care parse with `parsePyJson`).
 */
function asPyRequest(input: unknown): PyDict {
  const value = input instanceof Map ? (input as PyValue) : fromPlainJson(input);
  if (!isPyDict(value)) throw new CavraError('invalid_request', 'request must be a JSON object');
  return value;
}

/** The guard's label. A pack id must be text: any other truthy `policy_pack` is refused. */
function labelOf(request: PyDict, fallbackLabel: string): string {
  const pack = request.get('policy_pack');
  if (pack === undefined || !pyTruthy(pack)) return fallbackLabel;
  if (typeof pack !== 'string') {
    const message = 'policy_pack must be a string';
    throw new CavraError('invalid_request', message, { issues: [{ path: 'policy_pack', message }] });
  }
  return pack;
}

export interface ReleaseGovernanceRoute {
  decideCore(input: unknown): ReleaseGovernanceDecisionCore;
  decide(input: unknown): ReleaseGovernanceDecision;
}

/**
 * Release-governance requests, decided like Python's guard: the guard is built first (so an
 * unknown pack fails, `PolicyRegistryError`), but the policy content is never consulted.
 */
export function createReleaseGovernanceRoute(options: {
  fallbackLabel: string;
  /** Builds (and caches) the guard's policy for a label; throws for an unknown pack. */
  buildGuard(label: string): unknown;
  envelope?: EnvelopeOptions | undefined;
}): ReleaseGovernanceRoute {
  const envelope = createEnveloper<ReleaseGovernanceDecisionCore>(options.envelope ?? {}, (sessionId) =>
    // Python formats the session id with str(): a null session is `evidence://None/…`.
    pyStr(sessionId),
  );
  const decideCore = (input: unknown): ReleaseGovernanceDecisionCore => {
    const request = asPyRequest(input);
    const label = labelOf(request, options.fallbackLabel);
    options.buildGuard(label);
    return evaluateReleaseGovernanceRecord(request, label);
  };
  const decide = (input: unknown): ReleaseGovernanceDecision => envelope(decideCore(input));
  return { decideCore, decide };
}

export const isReleaseGovernanceDecision = (
  decision: { readonly action_type: string },
): decision is ReleaseGovernanceDecision => decision.action_type === RELEASE_GOVERNANCE_ACTION_TYPE;

/**
 * A release-governance decision as JSON, the way Python's `json.dumps` writes its values (`1.0`
 * stays `1.0`, big ints exact, non-ASCII raw): compact by default, or indented.
 */
export function releaseGovernanceDecisionJson(decision: ReleaseGovernanceDecision, indent?: number): string {
  const fields = decision as unknown as Record<string, PyValue>;
  const map: PyDict = new Map(DECISION_KEYS.map((key): [PyValue, PyValue] => [key, fields[key] as PyValue]));
  map.set('evidence_refs', [...decision.evidence_refs]);
  return dumpsPyJson(
    map,
    indent === undefined ? { ensureAscii: false, separators: [',', ':'] } : { ensureAscii: false, indent },
  );
}

/**
 * A decision and its request as an evidence-log entry. Release-governance requests and decisions
 * carry Python values (mappings, big integers): the log holds their plain JSON form.
 */
export function evidenceEntryOf(request: unknown, decision: Decision | ReleaseGovernanceDecision): EvidenceEntry {
  const plainRequest = request instanceof Map ? toPlainJson(request as PyValue) : request;
  if (!isReleaseGovernanceDecision(decision)) return { request: plainRequest, decision };
  const plainDecision = Object.fromEntries(
    Object.entries(decision).map(([key, value]) => [key, toPlainJson(value as PyValue)]),
  );
  return { request: plainRequest, decision: plainDecision };
}

/** Records a decision in an evidence sink and returns it with the record's reference added. */
export function recordInEvidence<D extends Decision | ReleaseGovernanceDecision>(
  sink: EvidenceSink,
  request: unknown,
  decision: D,
): D {
  const ref = sink.append(evidenceEntryOf(request, decision));
  return { ...decision, evidence_refs: [...decision.evidence_refs, ref] };
}
