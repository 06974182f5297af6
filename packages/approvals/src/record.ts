import {
  isPyDict,
  pyQualifiedTypeName,
  pyTruthy,
  type PyDict,
  type PyValue,
} from '@cavra/policy-model';
import { pythonUtcIsoformat } from '@cavra/evidence';
import { approvalsError } from './errors.js';
import { routeApproverGroup, type RoutingRule } from './route.js';

export const APPROVAL_SCHEMA_VERSION = 'cavra.approval.v1';

/** What an approval record needs from the edge: a fresh id and the clock (UTC microseconds). */
export interface ApprovalEdge {
  approvalId(): string;
  nowMicros(): number;
}

/** Python's `isoformat()` of "now": each call is a separate clock read, as in Python. */
export const isoNow = (edge: ApprovalEdge): string => pythonUtcIsoformat(edge.nowMicros());

/** `now + max(1, ttl_hours)` hours (a fresh clock read), rounded to the microsecond like `timedelta`. */
export function expiryFrom(edge: ApprovalEdge, ttlHours: number): string {
  const hours = Math.max(1, ttlHours);
  return pythonUtcIsoformat(edge.nowMicros() + Math.round(hours * 3_600_000_000));
}

/** Python's `decision.get(key, default)` on the decision: non-mappings fail. */
export function decisionMapping(decision: PyValue): PyDict {
  if (isPyDict(decision)) return decision;
  throw approvalsError('decision_invalid', 'AttributeError', `'${pyQualifiedTypeName(decision)}' object has no attribute 'get'`);
}

const getOr = (map: PyDict, key: string, fallback: PyValue): PyValue =>
  map.has(key) ? (map.get(key) as PyValue) : fallback;

/** Python's `[*value]`: list items, a mapping's keys, a string's characters; anything else fails. */
function unpack(value: PyValue): PyValue[] {
  if (Array.isArray(value)) return [...value];
  if (isPyDict(value)) return [...value.keys()];
  if (typeof value === 'string') return [...value];
  throw approvalsError(
    'decision_invalid',
    'TypeError',
    `Value after * must be an iterable, not ${pyQualifiedTypeName(value)}`,
  );
}

export interface ApprovalRequestOptions {
  /** An explicit group (used when truthy): beats routing and the decision's own group. */
  approverGroup?: PyValue;
  requestedBy?: PyValue;
  ttlHours?: number;
  /** Routing rules; `null`/absent means the defaults, `[]` turns routing off. */
  routingRules?: PyValue | readonly RoutingRule[];
}

/**
 * Python's `create_approval_request`: a `cavra.approval.v1` record (a Python-model mapping, in
 * Python's key order) for a decision. Pure apart from the injected edge (id and clock).
 */
export function createApprovalRequest(decisionValue: PyValue, options: ApprovalRequestOptions, edge: ApprovalEdge): PyDict {
  const decision = decisionMapping(decisionValue);
  const decisionId = getOr(decision, 'decision_id', null);
  if (!pyTruthy(decisionId)) throw approvalsError('approval_invalid', 'ValueError', 'decision must include decision_id');
  let group: PyValue | undefined = options.approverGroup;
  if (group === undefined || !pyTruthy(group)) {
    const routed = routeApproverGroup(decision, options.routingRules ?? null);
    group = routed !== null && routed !== '' ? routed : getOr(decision, 'approver_group', null);
  }
  if (!pyTruthy(group)) throw approvalsError('approval_invalid', 'ValueError', 'approval request must include approver_group');
  const requestedBy = options.requestedBy ?? 'ai-agent';
  const approvalId = edge.approvalId();
  const requestedAt = isoNow(edge);
  const expiresAt = expiryFrom(edge, options.ttlHours ?? 24);
  const evidenceRefs: PyValue[] = [`approval://${approvalId}`, ...unpack(getOr(decision, 'evidence_refs', []))];
  return new Map<PyValue, PyValue>([
    ['schema_version', APPROVAL_SCHEMA_VERSION],
    ['product', 'CAVRA'],
    ['approval_id', approvalId],
    ['decision_id', decisionId],
    ['session_id', getOr(decision, 'session_id', 'local')],
    ['correlation_id', getOr(decision, 'correlation_id', null)],
    ['state', 'pending'],
    ['approver_group', group],
    ['requested_by', requestedBy],
    ['requested_at', requestedAt],
    ['expires_at', expiresAt],
    ['decision', decision],
    [
      'history',
      [
        new Map<PyValue, PyValue>([
          ['event', 'requested'],
          ['actor', requestedBy],
          ['timestamp', requestedAt],
          ['reason', getOr(decision, 'reason', null)],
        ]),
      ],
    ],
    ['evidence_refs', evidenceRefs],
  ]);
}
