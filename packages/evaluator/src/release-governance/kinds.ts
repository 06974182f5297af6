import { isPyDict, isPyList, type PyValue } from '@cavra/policy-model';
import { releaseGovernanceError } from './values.js';

/** Kinds that need an approval record even without an approval count. */
export const APPROVAL_REQUIRED_KINDS: ReadonlySet<string> = new Set([
  'release-channel-promotion-request',
  'endpoint-reconciliation-automation',
  'endpoint-drift-remediation-request',
  'endpoint-drift-remediation-execution',
  'endpoint-remediation-handoff',
  'rollout-promotion-execution',
  'rollout-rollback-execution',
]);

/** Kinds that execute a change: a missing approval blocks instead of asking. */
export const EXECUTION_KINDS: ReadonlySet<string> = new Set([
  'endpoint-drift-remediation-execution',
  'rollout-promotion-execution',
  'rollout-rollback-execution',
]);

/** Kinds whose `metadata_kind` makes `delivery_success` mandatory. */
export const DELIVERY_KINDS: ReadonlySet<string> = new Set([
  'endpoint-management-publication-delivery',
  'release-connector-delivery',
]);

/** Every kind the runtime recognises as release-governance evidence (the approval-required ones included). */
export const KNOWN_KINDS: ReadonlySet<string> = new Set([
  ...APPROVAL_REQUIRED_KINDS,
  ...DELIVERY_KINDS,
  'endpoint-inventory-ingestion',
  'endpoint-inventory-freshness-report',
  'managed-endpoint-reconciliation',
  'endpoint-management-export',
  'endpoint-remediation-handoff-status',
  'endpoint-remediation-sla-report',
  'endpoint-remediation-sla-notification-plan',
  'endpoint-remediation-sla-notification-ack',
  'endpoint-remediation-sla-escalation-plan',
  'endpoint-remediation-sla-escalation-review',
  'endpoint-remediation-sla-escalation-recurrence-plan',
  'endpoint-remediation-sla-escalation-suppression-audit',
  'endpoint-remediation-sla-escalation-recurrence-retry-plan',
  'endpoint-remediation-sla-escalation-owner-digest',
  'endpoint-remediation-sla-escalation-suppression-trend',
  'endpoint-remediation-sla-escalation-recurrence-automation-run',
  'endpoint-remediation-sla-escalation-recurrence-automation-health-alert-plan',
  'endpoint-remediation-sla-escalation-recurrence-automation-health-alert-ack',
  'rollout-evidence-capture',
  'rollout-evidence-verification',
  'rollout-artifact-retrieval',
  'rollout-artifact-integrity',
]);

/**
 * Python's `kind in SOME_SET`: only strings can be members, and a list or dict kind (possible
 * when the kind comes from a raw `target`) raises because it is unhashable.
 */
export function kindIn(kinds: ReadonlySet<string>, kind: PyValue): boolean {
  if (typeof kind === 'string') return kinds.has(kind);
  if (isPyList(kind)) throw releaseGovernanceError('TypeError', "unhashable type: 'list'");
  if (isPyDict(kind)) throw releaseGovernanceError('TypeError', "unhashable type: 'dict'");
  return false;
}
