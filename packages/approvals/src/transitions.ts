import { isPyDict, pyEquals, pyStr, pyTruthy, type PyDict, type PyValue } from '@cavra/policy-model';
import { approvalsError } from './errors.js';
import { createApprovalRequest, expiryFrom, isoNow, type ApprovalEdge } from './record.js';

/** Every state an approval record can be in. */
export const APPROVAL_RECORD_STATES = ['pending', 'approved', 'denied', 'expired', 'break_glass'] as const;
export type ApprovalRecordState = (typeof APPROVAL_RECORD_STATES)[number];

/** The states a pending approval can be moved to by a decision. */
export const DECIDED_STATES = ['approved', 'denied', 'expired'] as const;
export type DecidedState = (typeof DECIDED_STATES)[number];

export const BREAK_GLASS_GROUP = 'Change Advisory Board';
const SYSTEM_GROUP = 'system';

const invalid = (message: string): Error => approvalsError('approval_invalid', 'ValueError', message);

/** What a store accepts: a record with an `approval_id` and one of the five states. */
export function checkStoredApproval(approval: PyDict): void {
  if (!pyTruthy(approval.get('approval_id'))) throw invalid('approval must include approval_id');
  const state = approval.get('state');
  if (typeof state !== 'string' || !(APPROVAL_RECORD_STATES as readonly string[]).includes(state)) {
    throw invalid(`unsupported approval state: ${pyStr(state ?? null)}`);
  }
}

/** The actor's groups (`actor_context["groups"]`, a list; anything else counts as none). */
function groupsOf(context: PyDict): PyValue[] {
  const groups = context.get('groups');
  return Array.isArray(groups) ? groups : [];
}

const hasGroup = (groups: readonly PyValue[], group: PyValue): boolean => groups.some((g) => pyEquals(g, group));

/**
 * Python's `actor_can_decide(actor_context, approval, action)`. The `system` shortcut applies to
 * the action `expire` only, which `applyApprovalDecision` never passes (it passes the state).
 */
export function actorCanDecide(context: PyDict, approval: PyDict, action: string): boolean {
  const groups = groupsOf(context);
  if (action === 'expire' && hasGroup(groups, SYSTEM_GROUP)) return true;
  if (pyTruthy(approval.get('break_glass')) && !hasGroup(groups, BREAK_GLASS_GROUP)) return false;
  return hasGroup(groups, approval.get('approver_group') ?? null);
}

export interface ApprovalDecisionInput {
  state: PyValue;
  actor: PyValue;
  reason: PyValue;
  externalRef?: PyValue;
  /** The deciding actor's context (`{"groups": [...]}`); falsy skips the group check. */
  actorContext?: PyValue;
}

/**
 * Python's `apply_approval_decision`: a copy of a pending record moved to `approved`, `denied`
 * or `expired`, with who, when and why appended and a history event. Decided, expired and
 * break-glass records are final. Pure apart from the injected clock.
 */
export function applyApprovalDecision(approval: PyDict, input: ApprovalDecisionInput, edge: ApprovalEdge): PyDict {
  const { state, actor, reason } = input;
  if (typeof state !== 'string' || !(DECIDED_STATES as readonly string[]).includes(state)) {
    throw invalid('state must be approved, denied, or expired');
  }
  if (approval.get('state') !== 'pending') throw invalid('only pending approvals can be changed');
  if (!pyTruthy(actor)) throw invalid('actor is required');
  if (!pyTruthy(reason)) throw invalid('reason is required');
  const context = input.actorContext;
  if (context !== undefined && pyTruthy(context)) {
    if (!isPyDict(context) || !actorCanDecide(context, approval, state)) {
      throw invalid('actor is not authorized for approval group');
    }
  }
  const externalRef = input.externalRef ?? null;
  const decidedAt = isoNow(edge);
  const next: PyDict = new Map(approval);
  next.set('state', state);
  next.set('decided_by', actor);
  next.set('decided_at', decidedAt);
  next.set('decision_reason', reason);
  if (pyTruthy(externalRef)) next.set('external_ref', externalRef);
  const history = approval.get('history');
  next.set('history', [
    ...(Array.isArray(history) ? history : []),
    new Map<PyValue, PyValue>([
      ['event', state],
      ['actor', actor],
      ['timestamp', decidedAt],
      ['reason', reason],
      ['external_ref', externalRef],
    ]),
  ]);
  return next;
}

export interface BreakGlassInput {
  actor: PyValue;
  reason: PyValue;
  approverGroup?: PyValue;
  externalRef?: PyValue;
  ttlHours?: number;
}

/**
 * Python's `create_break_glass_approval`: a request for the decision, approved at once by the
 * actor, then marked `break_glass` with a fresh (short) expiry and a third history event.
 */
export function createBreakGlassApproval(decision: PyValue, input: BreakGlassInput, edge: ApprovalEdge): PyDict {
  if (!pyTruthy(input.actor)) throw invalid('actor is required');
  if (!pyTruthy(input.reason)) throw invalid('break-glass reason is required');
  const ttlHours = input.ttlHours ?? 4;
  const requested = createApprovalRequest(
    decision,
    { approverGroup: input.approverGroup ?? BREAK_GLASS_GROUP, requestedBy: input.actor, ttlHours },
    edge,
  );
  const approved = applyApprovalDecision(
    requested,
    { state: 'approved', actor: input.actor, reason: input.reason, externalRef: input.externalRef ?? null },
    edge,
  );
  approved.set('state', 'break_glass');
  approved.set('break_glass', true);
  approved.set('break_glass_reason', input.reason);
  approved.set('expires_at', expiryFrom(edge, ttlHours));
  const history = approved.get('history') as PyValue[];
  history.push(
    new Map<PyValue, PyValue>([
      ['event', 'break_glass'],
      ['actor', input.actor],
      ['timestamp', isoNow(edge)],
      ['reason', input.reason],
      ['external_ref', input.externalRef ?? null],
    ]),
  );
  return approved;
}
