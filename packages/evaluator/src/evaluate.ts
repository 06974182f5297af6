import {
  CavraError,
  pyPathString,
  pyStrip,
  type ActionRequest,
  type ApproverGroup,
  type DecisionCore,
  type DecisionValue,
  type Severity,
} from '@cavra/policy-model';
import { decideWithRegistry, type TrustRegistry } from '@cavra/registry';
import type { PreparedPolicy } from './prepared-policy.js';

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
    throw new CavraError('invalid_request', message, {
      issues: [{ path: field, message }],
      python: `KeyError: '${field}'`,
    });
  }
  return value;
}

/** The request-derived fields every decision shares. */
interface Head {
  readonly session_id: string;
  readonly agent_id: string;
  readonly actor: string;
  readonly action_type: string;
  readonly label: string;
}

/** One decision object, always built by this one literal: a single shape keeps the hot path monomorphic. */
function core(
  head: Head,
  target: string | null,
  requestedOperation: string | null,
  ruleId: string,
  decision: DecisionValue,
  severity: Severity,
  reason: string,
  approverGroup: ApproverGroup,
): DecisionCore {
  return {
    session_id: head.session_id,
    agent_id: head.agent_id,
    actor: head.actor,
    action_type: head.action_type,
    target,
    requested_operation: requestedOperation,
    policy_pack: head.label,
    policy_id: head.label,
    rule_id: ruleId,
    decision,
    severity,
    reason,
    approver_group: approverGroup,
  };
}

const NO_PATH_MATCH = 'No sensitive path policy matched.';

function fileDecision(
  head: Head,
  policy: PreparedPolicy,
  rawTarget: string,
  mode: 'read' | 'write',
): DecisionCore {
  const target = pyPathString(rawTarget);
  const blocked = (mode === 'read' ? policy.blockRead : policy.blockWrite).firstMatch(target);
  if (blocked !== undefined) {
    return core(
      head,
      target,
      mode,
      `filesystem.${mode}.block`,
      'block',
      'high',
      `Matched sensitive path policy: ${blocked}`,
      null,
    );
  }
  if (mode === 'write') {
    const approval = policy.requireApprovalWrite.firstMatch(target);
    if (approval !== undefined) {
      return core(
        head,
        target,
        mode,
        'filesystem.write.require_approval',
        'require_approval',
        'high',
        `Matched approval-required path policy: ${approval}`,
        'Platform Security',
      );
    }
  }
  return core(head, target, mode, `filesystem.${mode}.allow`, 'allow', 'low', NO_PATH_MATCH, null);
}

function commandDecision(head: Head, policy: PreparedPolicy, rawCommand: string): DecisionCore {
  const command = pyStrip(rawCommand);
  const blocked = policy.commandBlock.firstMatch(command);
  if (blocked !== undefined) {
    // Python judges severity on the command, not the pattern: case-sensitive substrings, inside words too.
    const severity = command.includes('apply') || command.includes('delete') ? 'critical' : 'high';
    return core(
      head,
      command,
      command,
      'commands.block',
      'block',
      severity,
      `Matched blocked command policy: ${blocked}`,
      null,
    );
  }
  const allowed = policy.commandAllow.firstMatch(command);
  if (allowed !== undefined) {
    return core(
      head,
      command,
      command,
      'commands.allow',
      'allow',
      'low',
      `Matched allowed command policy: ${allowed}`,
      null,
    );
  }
  return core(
    head,
    command,
    command,
    'commands.default.require_approval',
    'require_approval',
    'medium',
    'No allow rule matched; review required.',
    'Repository Owners',
  );
}

function gitDecision(head: Head, request: ActionRequest): DecisionCore {
  // Only an absent `operation` means push; a present "" is not a push. `requested_operation` is ignored.
  const operation = request.operation ?? 'push';
  const target = request.target ?? null;
  if (operation === 'push' && target && (target.endsWith('main') || target.endsWith('master'))) {
    return core(
      head,
      target,
      operation,
      'git.protected_branch.block_direct_push',
      'block',
      'high',
      'Direct push to protected branch is prohibited.',
      null,
    );
  }
  return core(
    head,
    target ? target : operation,
    operation,
    'git.allow',
    'allow',
    'low',
    'Git operation is allowed by policy.',
    null,
  );
}

function mcpDecision(head: Head, request: ActionRequest, context: EvaluationContext): DecisionCore {
  const server = requireField(request, 'server');
  const tool = requireField(request, 'tool');
  const capability = request.capability ?? null;
  const target = `${server}:${tool}`;
  const requestedOperation = capability ? capability : tool;
  if (context.registry) {
    const outcome = decideWithRegistry(context.registry, server, tool, capability);
    return core(
      head,
      target,
      requestedOperation,
      outcome.rule_id,
      outcome.decision,
      outcome.severity,
      outcome.reason,
      outcome.approver_group,
    );
  }
  const rules = context.policy.mcp;
  if (!rules.ok) throw rules.error;
  if (rules.blocked.has(server) || (rules.blockUnknown && !rules.allowed.has(server))) {
    return core(
      head,
      target,
      requestedOperation,
      'mcp.server.trust.block_unknown',
      'block',
      'high',
      'Untrusted MCP server with filesystem/tool capability is not approved.',
      null,
    );
  }
  return core(
    head,
    target,
    requestedOperation,
    'mcp.server.trust.allow',
    'allow',
    'low',
    'MCP server is trusted for this tool call.',
    null,
  );
}

/** Python refuses unknown action types; an enforcement hook must not crash, so it fails closed to review. */
function unknownActionDecision(head: Head, request: ActionRequest): DecisionCore {
  return core(
    head,
    request.target ?? null,
    request.operation ?? null,
    UNKNOWN_ACTION_RULE_ID,
    'require_approval',
    'medium',
    `Unsupported action type '${request.action_type}'; review required.`,
    'Repository Owners',
  );
}

/**
 * The deterministic part of Python's decision for one request. Pure: no I/O, no clock, no
 * randomness. Throws `CavraError` (`invalid_request`, or the policy's `policy_invalid` for an
 * unusable `mcp` section) where Python raises.
 */
export function evaluate(request: ActionRequest, context: EvaluationContext): DecisionCore {
  const head: Head = {
    session_id: request.session_id ?? 'local',
    agent_id: request.agent_id ?? 'unknown-agent',
    actor: request.actor ?? 'ai-agent',
    action_type: request.action_type,
    label: policyLabel(request, context.fallbackLabel),
  };
  switch (request.action_type) {
    case 'read_file':
      return fileDecision(head, context.policy, requireField(request, 'target'), 'read');
    case 'write_file':
      return fileDecision(head, context.policy, requireField(request, 'target'), 'write');
    case 'execute_command':
      return commandDecision(head, context.policy, requireField(request, 'target'));
    case 'git_operation':
      return gitDecision(head, request);
    case 'mcp_tool_call':
      return mcpDecision(head, request, context);
    default:
      return unknownActionDecision(head, request);
  }
}
