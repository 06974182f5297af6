import type { ApproverGroup, DecisionValue, Severity } from '@cavra/policy-model';
import type { TrustRegistry } from './trust-registry.js';

/** The policy outcome of one registry check (Python's `evaluate_mcp` result). */
export interface RegistryOutcome {
  readonly decision: DecisionValue;
  readonly rule_id: string;
  readonly severity: Severity;
  readonly approver_group: ApproverGroup;
  readonly reason: string;
}

const outcome = (
  decision: DecisionValue,
  rule: string,
  severity: Severity,
  approverGroup: ApproverGroup,
  reason: string,
): RegistryOutcome => Object.freeze({ decision, rule_id: `mcp.registry.${rule}`, severity, approver_group: approverGroup, reason });

export const REGISTRY_OUTCOMES = {
  unknown: outcome('block', 'unknown', 'high', null, 'MCP server is not registered.'),
  blocked: outcome('block', 'blocked', 'high', null, 'MCP server is blocked or denied in the trust registry.'),
  requiresApproval: outcome(
    'require_approval',
    'requires_approval',
    'medium',
    'AI Governance',
    'MCP server requires trust approval before use.',
  ),
  toolScope: outcome(
    'require_approval',
    'tool_scope',
    'medium',
    'AI Governance',
    "MCP tool is outside the server's approved tool scope.",
  ),
  capabilityScope: outcome(
    'require_approval',
    'capability_scope',
    'medium',
    'AI Governance',
    "MCP capability is outside the server's approved capability scope.",
  ),
  allow: outcome('allow', 'allow', 'low', null, 'MCP server is approved in the trust registry.'),
} as const;

/**
 * The registry decision table (first hit wins): unknown server, blocked/denied, pending or an
 * unknown/experimental tier, tool outside a non-empty `allowed_tools`, a truthy capability
 * outside a non-empty `capabilities`, else allow.
 */
export function decideWithRegistry(
  registry: TrustRegistry,
  server: string,
  tool: string,
  capability: string | null,
): RegistryOutcome {
  const record = registry.lookup(server);
  if (!record) return REGISTRY_OUTCOMES.unknown;
  if (record.trust_tier === 'blocked' || record.approval_state === 'denied') return REGISTRY_OUTCOMES.blocked;
  if (record.approval_state === 'pending' || record.trust_tier === 'unknown' || record.trust_tier === 'experimental') {
    return REGISTRY_OUTCOMES.requiresApproval;
  }
  if (record.allowed_tools.length > 0 && !record.allowed_tools.includes(tool)) return REGISTRY_OUTCOMES.toolScope;
  if (capability && record.capabilities.length > 0 && !record.capabilities.includes(capability)) {
    return REGISTRY_OUTCOMES.capabilityScope;
  }
  return REGISTRY_OUTCOMES.allow;
}
