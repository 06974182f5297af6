import { gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { createDecisionEngine, type DecisionEngine } from '@cavra/engine';
import {
  DECISION_KEYS,
  isCavraError,
  isPyDict,
  parsePyJson,
  type PackSource,
  type PyDict,
  type PyValue,
} from '@cavra/policy-model';
import type { Outcome } from '../cases.js';
import { compareOutcomes, outcomeFromAnswer, outcomeValue } from '../compare.js';
import { FamilyTally, label, type FamilyOracle } from './family.js';

export const RELEASE_GOVERNANCE_FAMILY = 'family:release-governance';

const KINDS = [
  'release-channel-promotion-request',
  'endpoint-reconciliation-automation',
  'endpoint-drift-remediation-request',
  'endpoint-drift-remediation-execution',
  'endpoint-remediation-handoff',
  'rollout-promotion-execution',
  'rollout-rollback-execution',
  'endpoint-management-publication-delivery',
  'release-connector-delivery',
  'endpoint-inventory-ingestion',
  'endpoint-remediation-sla-escalation-recurrence-automation-health-alert-ack',
  'rollout-evidence-capture',
  'rollout-artifact-integrity',
  'rollout-promotion-audit-export',
  'release-governance-record',
  'custom',
];
const STATES = ['approved', 'pending', 'denied', 'rejected', 'expired', 'cancelled', 'canceled', 'cancel-led', 'not-required', 'not-yet-approved', 'maybe'];
const SIGNAL_FIELDS = ['alert_level', 'drift_status', 'handoff_status', 'verification_status', 'integrity_status'];
const SIGNAL_WORDS = ['critical', 'Blocked', ' breached ', 'drifted', 'non-compliant', 'Drift-Detected', 'failed', 'mismatch', 'tampered', 'ok', 'non compliant'];
const COUNT_FIELDS = ['approval_required_count', 'blocked_count', 'critical_count', 'failed_delivery_count', 'integrity_failure_count'];
const DELIVERY_WORDS: PyValue[] = [true, false, 'true', 'TRUE ', ' yes ', 'success', 'Succeeded', 'ok', 'tru-e', 1n, null];
const PADDING = ['', ' ', '\u001c', '\u0085', '\ufeff', '\n', '\u00a0'];

/** Python-model scalars and containers with the JS/Python contrasts (int vs float, big ints, ±inf). */
const numberArb: fc.Arbitrary<PyValue> = fc.oneof(
  fc.bigInt({ min: -2n, max: 3n }),
  fc.constantFrom<PyValue>(0.5, 1.5, -0.5, 3.0, 1e-300, 10n ** 30n, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, '3', ' 1 ', true),
);
const padded = (words: readonly string[]): fc.Arbitrary<string> =>
  fc
    .tuple(fc.constantFrom(...PADDING), fc.constantFrom(...words), fc.constantFrom(...PADDING), fc.boolean())
    .map(([a, w, b, upper]) => `${a}${upper ? w.toUpperCase() : w}${b}`);
const oddValue: fc.Arbitrary<PyValue> = fc.constantFrom<PyValue>(true, false, null, 0n, 1.0, [], ['approved'], new Map([['k', 'v']]), '', '  ');

/** A release-governance record: every field is optional, values mix the edge cases of the rules. */
const recordArb: fc.Arbitrary<PyDict> = fc
  .record(
    {
      metadata_kind: fc.oneof(padded(KINDS), fc.constantFrom('rollout_rollback_execution', 'Rollout-Rollback-Execution'), oddValue),
      approval_state: fc.oneof(padded(STATES), fc.constantFrom('PENDİNG', '\u1c89pending', 'ΑΣ'), oddValue),
      approval_id: fc.oneof(fc.constantFrom('apr_1', ' ', '\u001c', '\ufeff'), oddValue),
      approval: fc.oneof(
        fc.record({ state: padded(STATES), approval_id: fc.constantFrom('apr_n', '', ' ') }, { requiredKeys: [] }).map(
          (o) => new Map<PyValue, PyValue>(Object.entries(o)),
        ),
        fc.constantFrom<PyValue>('approved', null),
      ),
      delivery_success: fc.constantFrom(...DELIVERY_WORDS),
      signal: fc.tuple(fc.constantFrom(...SIGNAL_FIELDS), padded(SIGNAL_WORDS)),
      count: fc.tuple(fc.constantFrom(...COUNT_FIELDS), numberArb),
      count2: fc.tuple(fc.constantFrom(...COUNT_FIELDS), numberArb),
    },
    { requiredKeys: [] },
  )
  .map((fields) => {
    const record: PyDict = new Map();
    for (const [key, value] of Object.entries(fields)) {
      if (key === 'signal' || key === 'count' || key === 'count2') {
        const [field, v] = value as [string, PyValue];
        record.set(field, v);
      } else record.set(key, value);
    }
    return record;
  });

/** One generated `release_governance_record` request for a pack (the label is the pack). */
export function releaseGovernanceRequestArbitrary(pack: string): fc.Arbitrary<PyDict> {
  return fc
    .record(
      {
        where: fc.constantFrom('record', 'release_governance', 'both', 'empty-record'),
        record: recordArb,
        other: recordArb,
        target: fc.oneof(padded(['prod', ...KINDS.slice(5, 9)]), fc.constantFrom<PyValue>('', null, 5n, 1.0, false, [], ['prod'])),
        operation: fc.oneof(fc.constantFrom<PyValue>('apply', '', null), fc.constant(undefined)),
        requested: fc.oneof(fc.constantFrom<PyValue>('promote', null), fc.constant(undefined)),
        session: fc.oneof(fc.constantFrom<PyValue>('s-1', '', null), fc.constant(undefined)),
      },
      { requiredKeys: ['where', 'record', 'other'] },
    )
    .map((g) => {
      const request: PyDict = new Map<PyValue, PyValue>([['action_type', 'release_governance_record']]);
      if (g.where === 'record' || g.where === 'both') request.set('record', g.record);
      if (g.where === 'empty-record') request.set('record', new Map());
      if (g.where !== 'record') request.set('release_governance', g.where === 'both' ? g.other : g.record);
      if (g.target !== undefined) request.set('target', g.target);
      if (g.operation !== undefined) request.set('operation', g.operation);
      if (g.requested !== undefined) request.set('requested_operation', g.requested);
      if (g.session !== undefined) request.set('session_id', g.session);
      request.set('policy_pack', pack);
      return request;
    });
}

/** The TypeScript side: the engine's decision as a Python-model mapping, or Python's error line. */
export function decideReleaseGovernance(engine: DecisionEngine, request: PyDict): Outcome {
  try {
    const decision = engine.decide(request) as unknown as Record<string, PyValue>;
    const map: PyDict = new Map(DECISION_KEYS.map((key): [PyValue, PyValue] => [key, decision[key] as PyValue]));
    map.set('evidence_refs', [...(decision.evidence_refs as PyValue[])]);
    return { kind: 'decision', decision: map };
  } catch (error) {
    if (isCavraError(error)) return { kind: 'error', error: error.python ?? `<no Python equivalent> ${error.code}: ${error.message}` };
    return { kind: 'error', error: `<typescript crash> ${String(error)}` };
  }
}

const bucketOf = (outcome: Outcome): string =>
  outcome.kind === 'decision' ? label(outcome.decision.get('rule_id')) : `<error> ${outcome.error.split(':')[0] ?? ''}`;

function tallyOne(tally: FamilyTally, request: PyDict, python: Outcome, ts: Outcome, hasVolatile: boolean, caseId?: string): void {
  const verdict = compareOutcomes(python, ts, { pythonHasVolatile: hasVolatile });
  tally.add(bucketOf(python), request, outcomeValue(python), outcomeValue(ts), verdict.status === 'mismatch' ? verdict.fields : [], caseId);
}

export interface LiveFamilyOptions {
  oracle: FamilyOracle;
  packSource: PackSource;
  packs: readonly string[];
  seed: number;
  /** Generated cases per pack. */
  casesPerPack: number;
}

/** Live: generated records for every pack, answered by the oracle and by the engine, compared. */
export async function runReleaseGovernanceLive(options: LiveFamilyOptions): Promise<FamilyTally> {
  const tally = new FamilyTally(RELEASE_GOVERNANCE_FAMILY);
  const engine = createDecisionEngine({ packs: options.packSource });
  for (const [i, pack] of options.packs.entries()) {
    const requests = fc.sample(releaseGovernanceRequestArbitrary(pack), { seed: options.seed + i, numRuns: options.casesPerPack });
    const answers = await options.oracle(requests);
    requests.forEach((request, k) => {
      tallyOne(tally, request, outcomeFromAnswer(answers[k] ?? null), decideReleaseGovernance(engine, request), true);
    });
  }
  return tally;
}

/** Recorded: the recorded Python decisions (fixtures/oracle/release-governance), replayed through the engine. */
export function runReleaseGovernanceRecorded(oracleDir: string, packSource: PackSource): FamilyTally {
  const tally = new FamilyTally(RELEASE_GOVERNANCE_FAMILY);
  const engine = createDecisionEngine({ packs: packSource });
  const text = gunzipSync(readFileSync(join(oracleDir, 'release-governance', 'decisions.jsonl.gz'))).toString('utf8');
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const recorded = parsePyJson(line);
    if (!isPyDict(recorded)) continue;
    const request = recorded.get('request');
    if (!isPyDict(request)) continue;
    const python = outcomeFromAnswer(recorded.get('expected') ?? null);
    tallyOne(tally, request, python, decideReleaseGovernance(engine, request), false, label(recorded.get('id')));
  }
  return tally;
}
