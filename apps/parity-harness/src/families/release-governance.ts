import { join } from 'node:path';
import fc from 'fast-check';
import type { DecisionEngine } from '@cavra/engine';
import {
  DECISION_KEYS,
  dumpsPyJson,
  isCavraError,
  isPyDict,
  pyStr,
  type PyDict,
  type PyValue,
} from '@cavra/policy-model';
import { DEFAULT_PACK, type Outcome } from '../cases.js';
import { HarnessError } from '../errors.js';
import { compareOutcomes, outcomeFromAnswer, outcomeValue } from '../compare.js';
import { propertyCases, type CaseFamily, type RecordedCase } from '../family.js';
import { AdapterOracle } from '../oracle/adapter-oracle.js';
import { caseLabel } from './decision.js';
import { engineFor, liveCasesPerPack, readRecordings } from './recordings.js';

/** The family id: the mismatch kind, the per-family counts key, the junit suite. */
export const RELEASE_GOVERNANCE_FAMILY = 'release-governance';
/** Where its recordings live under fixtures/oracle. */
const RECORDINGS = join('release-governance', 'decisions.jsonl.gz');

/** A release-governance case: an ordinary decision request (`action_type: release_governance_record`). */
export interface ReleaseGovernanceCase {
  pack: string;
  request: PyDict;
}

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

const ruleOf = (outcome: Outcome): string | undefined =>
  outcome.kind === 'decision' ? pyStr(outcome.decision.get('rule_id') ?? null) : undefined;
const bucketOf = (outcome: Outcome): string =>
  ruleOf(outcome) ?? `<error> ${outcome.kind === 'error' ? (outcome.error.split(':')[0] ?? '') : ''}`;

/** The recorded decisions as cases, reported under the request's pack (`policy_pack`, else the default). */
export function recordedReleaseGovernance(oracleDir: string): RecordedCase<ReleaseGovernanceCase, Outcome>[] {
  return readRecordings(join(oracleDir, RECORDINGS)).map((recorded) => {
    const request = recorded.get('request');
    const id = pyStr(recorded.get('id') ?? null);
    if (!isPyDict(request)) throw new HarnessError('fixture_invalid', `${RECORDINGS}#${id}: the request is not an object`);
    return {
      id,
      source: RECORDINGS,
      case: { pack: caseLabel(request, undefined), request },
      expected: outcomeFromAnswer(recorded.get('expected') ?? null),
    };
  });
}

/**
 * Release-governance records (`RuntimeGuard.evaluate_release_governance_record`): compared on
 * every deterministic field, errors by their full Python line. Recorded from
 * fixtures/oracle/release-governance; live: generated records per pack through the adapter's
 * ordinary decision lines, shrunk on a mismatch.
 */
export const releaseGovernanceFamily: CaseFamily<ReleaseGovernanceCase, Outcome> = {
  id: RELEASE_GOVERNANCE_FAMILY,
  title: 'release-governance records (`action_type: release_governance_record`)',
  counts: 'cases',

  recorded: (sources) => recordedReleaseGovernance(sources.oracleDir),
  generate: ({ pack, settings }) =>
    propertyCases(releaseGovernanceRequestArbitrary(pack), (request) => ({ pack, request }), liveCasesPerPack(settings)),
  liveOracle: ({ adapter }) =>
    new AdapterOracle<ReleaseGovernanceCase, Outcome>(
      adapter,
      (c) => dumpsPyJson(c.request, { ensureAscii: false }),
      outcomeFromAnswer,
    ),
  typescript: (c, { packSource }) => decideReleaseGovernance(engineFor(packSource), c.request),
  compare: (python, ts, options) => compareOutcomes(python, ts, options),

  pack: (c) => c.pack || DEFAULT_PACK,
  show: (c) => c.request,
  showAnswer: outcomeValue,
  rule: (python) => bucketOf(python),
  signature: (python, ts, fields) =>
    `${fields.map((f) => f.field).join(',')}|${ruleOf(python) ?? 'error'}|${ruleOf(ts) ?? 'error'}`,
};
