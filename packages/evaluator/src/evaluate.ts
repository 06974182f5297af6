import { CavraError, type ActionRequest, type ApproverGroup, type DecisionCore, type DecisionValue, type Severity } from '@cavra/policy-model';
import { decideWithRegistry, type TrustRegistry } from '@cavra/registry';
import type { PreparedPolicy } from './prepared-policy.js';
import { pythonPathString } from './python-compat/path-normalization.js';
import { pythonStrip } from './python-compat/whitespace-strip.js';

/** The pack used when a request names none (any falsy `policy_pack`). */
export const DEFAULT_POLICY_PACK = 'cavra-ai-agent-baseline';

/** Rule id of the one deliberate difference from Python: unknown action types fail closed. */
export const UNKNOWN_ACTION_RULE_ID = 'runtime.default.require_approval';

export interface EvaluationContext {
  /** The policy, prepared once (see `preparePolicy`). */
  readonly policy: PreparedPolicy;
  /** The label used when the request's `policy_pack` is falsy (pack route: the default pack; compiled route: `metadata.id`, else the default pack). */
  readonly fallbackLabel: string;
  /** A trust registry: MCP calls are then decided by it alone. */
  readonly registry?: TrustRegistry | undefined;
}

/** `policy_pack` if truthy, else the fallback: Python's label rule. */
export const policyLabel = (request: Pick<ActionRequest, 'policy_pack'>, fallbackLabel: string): string =>
  request.policy_pack ? request.policy_pack : fallbackLabel;

/** Python's `KeyError` for a field the action needs. */
function requireField(request: ActionRequest, field: 'target' | 'server' | 'tool'): string {
  const value = request[field];
  if (value === undefined) {
    const message = `'${field}' is required for ${request.action_type}`;
    throw new CavraError('invalid_request', message, { issues: [{ path: field, message }], python: `KeyError: '${field}'` });
  }
  return value;
}

interface Outcome {
  target: string | null;
  requested_operation: string | null;
  rule_id: string;
  decision: DecisionValue;
  severity: Severity;
  reason: string;
  approver_group: ApproverGroup;
}

const NO_PATH_MATCH = 'No sensitive path policy matched.';

function fileOutcome(policy: PreparedPolicy, rawTarget: string, mode: 'read' | 'write'): Outcome {
  const target = pythonPathString(rawTarget);
  const base = { target, requested_operation: mode, approver_group: null };
  const blocked = (mode === 'read' ? policy.blockRead : policy.blockWrite).firstMatch(target);
  if (blocked !== undefined) {
    return { ...base, rule_id: `filesystem.${mode}.block`, decision: 'block', severity: 'high', reason: `Matched sensitive path policy: ${blocked}` };
  }
  if (mode === 'write') {
    const approval = policy.requireApprovalWrite.firstMatch(target);
    if (approval !== undefined) {
      return {
        ...base,
        rule_id: 'filesystem.write.require_approval',
        decision: 'require_approval',
        severity: 'high',
        reason: `Matched approval-required path policy: ${approval}`,
        approver_group: 'Platform Security',
      };
    }
  }
  return { ...base, rule_id: `filesystem.${mode}.allow`, decision: 'allow', severity: 'low', reason: NO_PATH_MATCH };
}

function commandOutcome(policy: PreparedPolicy, rawCommand: string): Outcome {
  const command = pythonStrip(rawCommand);
  const base = { target: command, requested_operation: command, approver_group: null };
  const blocked = policy.commandBlock.firstMatch(command);
  if (blocked !== undefined) {
    // Python judges severity on the command, not the pattern: case-sensitive substrings, inside words too.
    const severity = command.includes('apply') || command.includes('delete') ? 'critical' : 'high';
    return { ...base, rule_id: 'commands.block', decision: 'block', severity, reason: `Matched blocked command policy: ${blocked}` };
  }
  const allowed = policy.commandAllow.firstMatch(command);
  if (allowed !== undefined) {
    return { ...base, rule_id: 'commands.allow', decision: 'allow', severity: 'low', reason: `Matched allowed command policy: ${allowed}` };
  }
  return {
    ...base,
    rule_id: 'commands.default.require_approval',
    decision: 'require_approval',
    severity: 'medium',
    reason: 'No allow rule matched; review required.',
    approver_group: 'Repository Owners',
  };
}

function gitOutcome(request: ActionRequest): Outcome {
  // Only an absent `operation` means push; a present "" is not a push. `requested_operation` is ignored.
  const operation = request.operation ?? 'push';
  const target = request.target ?? null;
  if (operation === 'push' && target && (target.endsWith('main') || target.endsWith('master'))) {
    return {
      target,
      requested_operation: operation,
      rule_id: 'git.protected_branch.block_direct_push',
      decision: 'block',
      severity: 'high',
      reason: 'Direct push to protected branch is prohibited.',
      approver_group: null,
    };
  }
  return {
    target: target ? target : operation,
    requested_operation: operation,
    rule_id: 'git.allow',
    decision: 'allow',
    severity: 'low',
    reason: 'Git operation is allowed by policy.',
    approver_group: null,
  };
}

function mcpOutcome(request: ActionRequest, context: EvaluationContext): Outcome {
  const server = requireField(request, 'server');
  const tool = requireField(request, 'tool');
  const capability = request.capability ?? null;
  const base = { target: `${server}:${tool}`, requested_operation: capability ? capability : tool };
  if (context.registry) return { ...base, ...decideWithRegistry(context.registry, server, tool, capability) };
  const rules = context.policy.mcp;
  if (!rules.ok) throw rules.error;
  if (rules.blocked.has(server) || (rules.blockUnknown && !rules.allowed.has(server))) {
    return {
      ...base,
      rule_id: 'mcp.server.trust.block_unknown',
      decision: 'block',
      severity: 'high',
      reason: 'Untrusted MCP server with filesystem/tool capability is not approved.',
      approver_group: null,
    };
  }
  return {
    ...base,
    rule_id: 'mcp.server.trust.allow',
    decision: 'allow',
    severity: 'low',
    reason: 'MCP server is trusted for this tool call.',
    approver_group: null,
  };
}

/** Python refuses unknown action types; an enforcement hook must not crash, so it fails closed to review. */
function unknownActionOutcome(request: ActionRequest): Outcome {
  return {
    target: request.target ?? null,
    requested_operation: request.operation ?? null,
    rule_id: UNKNOWN_ACTION_RULE_ID,
    decision: 'require_approval',
    severity: 'medium',
    reason: `Unsupported action type '${request.action_type}'; review required.`,
    approver_group: 'Repository Owners',
  };
}

function outcomeFor(request: ActionRequest, context: EvaluationContext): Outcome {
  switch (request.action_type) {
    case 'read_file':
      return fileOutcome(context.policy, requireField(request, 'target'), 'read');
    case 'write_file':
      return fileOutcome(context.policy, requireField(request, 'target'), 'write');
    case 'execute_command':
      return commandOutcome(context.policy, requireField(request, 'target'));
    case 'git_operation':
      return gitOutcome(request);
    case 'mcp_tool_call':
      return mcpOutcome(request, context);
    default:
      return unknownActionOutcome(request);
  }
}

/**
 * The deterministic part of Python's decision for one request. Pure: no I/O, no clock, no
 * randomness. Throws `CavraError` (`invalid_request`, or the policy's `policy_invalid` for an
 * unusable `mcp` section) where Python raises.
 */
export function evaluate(request: ActionRequest, context: EvaluationContext): DecisionCore {
  const outcome = outcomeFor(request, context);
  const label = policyLabel(request, context.fallbackLabel);
  return {
    session_id: request.session_id ?? 'local',
    agent_id: request.agent_id ?? 'unknown-agent',
    actor: request.actor ?? 'ai-agent',
    action_type: request.action_type,
    target: outcome.target,
    requested_operation: outcome.requested_operation,
    policy_pack: label,
    policy_id: label,
    rule_id: outcome.rule_id,
    decision: outcome.decision,
    severity: outcome.severity,
    reason: outcome.reason,
    approver_group: outcome.approver_group,
  };
}
