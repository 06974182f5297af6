import {
  isPyDict,
  pyStr,
  pyTruthy,
  type DecisionValue,
  type PyDict,
  type PyValue,
  type Severity,
} from '@cavra/policy-model';
import {
  APPROVAL_REQUIRED_KINDS,
  DELIVERY_KINDS,
  EXECUTION_KINDS,
  KNOWN_KINDS,
  kindIn,
} from './kinds.js';
import { hasCriticalSignal } from './signals.js';
import { asRecord, boolValue, intValue, isPositive, normalizeState, stringValue } from './values.js';

export const RELEASE_GOVERNANCE_ACTION_TYPE = 'release_governance_record';
export const RELEASE_GOVERNANCE_APPROVER_GROUP = 'Release Governance';
/** The kind of a record that names none (no `metadata_kind`, no truthy `target`). */
export const DEFAULT_RECORD_KIND = 'release-governance-record';

/**
 * The deterministic part of a release-governance decision. Unlike the five action types, the
 * identity fields, `target` and `requested_operation` are passed through raw: any JSON value
 * (Python-model values: `bigint` ints, `number` floats, `Map` objects).
 */
export type ReleaseGovernanceDecisionCore = {
  readonly session_id: PyValue;
  readonly agent_id: PyValue;
  readonly actor: PyValue;
  readonly action_type: typeof RELEASE_GOVERNANCE_ACTION_TYPE;
  readonly target: PyValue;
  readonly requested_operation: PyValue;
  readonly policy_pack: string;
  readonly policy_id: string;
  readonly rule_id: string;
  readonly decision: DecisionValue;
  readonly severity: Severity;
  readonly reason: string;
  readonly approver_group: typeof RELEASE_GOVERNANCE_APPROVER_GROUP | null;
};

const DENIED_STATES: ReadonlySet<string> = new Set(['denied', 'rejected', 'expired', 'cancelled', 'canceled']);

interface Outcome {
  readonly ruleId: string;
  readonly decision: DecisionValue;
  readonly severity: Severity;
  readonly reason: string;
  readonly grouped: boolean;
}

const outcome = (
  rule: string,
  decision: DecisionValue,
  severity: Severity,
  reason: string,
): Outcome => ({
  ruleId: `release_governance.${rule}`,
  decision,
  severity,
  reason,
  grouped: decision !== 'allow',
});

/** The first row of the outcome table that holds, for a non-empty record. */
function recordOutcome(payload: PyDict, kind: PyValue): Outcome {
  const name = pyStr(kind);
  const approval = payload.get('approval');
  const nested = approval !== undefined && isPyDict(approval) ? approval : undefined;

  // The top-level state and id win whenever they are non-blank; the nested ones fill in.
  const topState = stringValue(payload, 'approval_state');
  const state =
    topState !== '' ? normalizeState(topState) : nested ? normalizeState(stringValue(nested, 'state')) : '';
  let approvalId = stringValue(payload, 'approval_id');
  if (approvalId === '' && nested) approvalId = stringValue(nested, 'approval_id');
  // Read before any approval row: an overflowing count fails even an approved record.
  const requiredCount = intValue(payload, 'approval_required_count');
  const requiresApproval =
    isPositive(requiredCount) || state !== '' || kindIn(APPROVAL_REQUIRED_KINDS, kind);

  if (state === 'approved') {
    return approvalId === ''
      ? outcome('approval.missing', 'block', 'critical', `${name} is approved but does not include an approval_id.`)
      : outcome('approval.approved', 'allow', 'low', `${name} is backed by an approved release governance approval.`);
  }
  if (state === 'pending') {
    return outcome('approval.pending', 'require_approval', 'high', `${name} is waiting for release governance approval.`);
  }
  if (DENIED_STATES.has(state)) {
    return outcome('approval.denied', 'block', 'critical', `${name} is bound to a non-approved approval state: ${state}.`);
  }
  if (state !== '') {
    return outcome('approval.unknown', 'require_approval', 'medium', `${name} has an unknown approval state: ${state}.`);
  }
  // Only the record's own metadata_kind makes it a delivery; a missing delivery_success is a failure.
  if (DELIVERY_KINDS.has(stringValue(payload, 'metadata_kind')) && !boolValue(payload, 'delivery_success')) {
    return outcome('delivery.failed', 'block', 'high', `${name} includes failed release delivery evidence.`);
  }
  if (hasCriticalSignal(payload)) {
    return outcome('signal.critical', 'require_approval', 'high', `${name} contains critical release governance signals.`);
  }
  if (requiresApproval && kindIn(EXECUTION_KINDS, kind)) {
    return outcome('approval.missing', 'block', 'critical', `${name} requires an approval record before execution.`);
  }
  if (requiresApproval) {
    return outcome('approval.required', 'require_approval', 'high', `${name} requires an approval record before execution.`);
  }
  if (kindIn(KNOWN_KINDS, kind)) {
    return outcome(
      'record.verified',
      'allow',
      'low',
      `${name} is recognized release governance evidence with no blocking signal.`,
    );
  }
  return outcome('approval.not_required', 'allow', 'low', `${name} does not require release governance approval.`);
}

const RECORD_MISSING = outcome(
  'record.missing',
  'require_approval',
  'medium',
  'Release governance record payload is missing.',
);

/** `request[key]` when the key is present (a present `null` included), else the default. */
const fieldOr = (request: PyDict, key: string, fallback: PyValue): PyValue =>
  request.has(key) ? (request.get(key) as PyValue) : fallback;

/**
 * Python's `evaluate_release_governance_record` for one request (a Python-model mapping, as
 * `parsePyJson` returns it), labelled with the guard's policy label. Pure. Throws `CavraError`
 * (`release_governance_invalid`, with Python's exception line) where Python raises.
 */
export function evaluateReleaseGovernanceRecord(request: PyDict, label: string): ReleaseGovernanceDecisionCore {
  const primary = request.get('record');
  const record = primary !== undefined && pyTruthy(primary) ? primary : request.get('release_governance');
  const rawTarget = request.get('target');
  const target: PyValue = rawTarget === undefined ? null : rawTarget;
  // Key presence decides, not the value: a present "" or null is the requested operation.
  const requestedOperation = request.has('operation')
    ? (request.get('operation') as PyValue)
    : fieldOr(request, 'requested_operation', 'verify');

  const payload = record !== undefined && pyTruthy(record) ? asRecord(record) : new Map<PyValue, PyValue>();
  const metadataKind = stringValue(payload, 'metadata_kind');
  // A kind from the target is raw: not stripped, and of any JSON type.
  const kind: PyValue = metadataKind !== '' ? metadataKind : pyTruthy(target) ? target : DEFAULT_RECORD_KIND;
  const result = payload.size === 0 ? RECORD_MISSING : recordOutcome(payload, kind);
  return {
    session_id: fieldOr(request, 'session_id', 'local'),
    agent_id: fieldOr(request, 'agent_id', 'unknown-agent'),
    actor: fieldOr(request, 'actor', 'ai-agent'),
    action_type: RELEASE_GOVERNANCE_ACTION_TYPE,
    target: pyTruthy(target) ? target : kind,
    requested_operation: requestedOperation,
    policy_pack: label,
    policy_id: label,
    rule_id: result.ruleId,
    decision: result.decision,
    severity: result.severity,
    reason: result.reason,
    approver_group: result.grouped ? RELEASE_GOVERNANCE_APPROVER_GROUP : null,
  };
}
