import type { AgentAdapter, HookAction, HookEvent } from '../types.js';
import { SILENT, exitTwo, jsonAnswer } from './answers.js';
import {
  firstString,
  invalidEvent,
  mcpToolName,
  objectOf,
  optionalString,
  requiredString,
  type JsonObject,
} from './event-fields.js';

/** Claude Code's tools and what each asks to do (Codex's hooks use the same names for its shared ones). */
export function claudeToolActions(toolName: string, input: JsonObject, cwd: string | undefined): HookAction[] | undefined {
  switch (toolName) {
    case 'Bash':
      return [{ kind: 'command', command: requiredString(input, 'command', 'Bash') }];
    case 'Read':
      return [{ kind: 'read', path: requiredString(input, 'file_path', 'Read') }];
    case 'Grep':
    case 'Glob':
    case 'LS':
      // Without a path they search the working directory.
      return [{ kind: 'read', path: optionalString(input, 'path') || cwd || '.' }];
    case 'Write':
    case 'Edit':
    case 'MultiEdit':
      return [{ kind: 'write', path: requiredString(input, 'file_path', toolName) }];
    case 'NotebookEdit':
      return [{ kind: 'write', path: firstString(input, ['notebook_path', 'file_path'], 'NotebookEdit') }];
    default: {
      const mcp = mcpToolName(toolName);
      return mcp ? [{ kind: 'mcp', ...mcp }] : undefined;
    }
  }
}

/** The `PreToolUse` event shape Claude Code and Codex share: `{session_id, cwd, hook_event_name, tool_name, tool_input}`. */
export function parsePreToolUse(
  event: unknown,
  agent: string,
): { event: Omit<HookEvent, 'actions'>; input: JsonObject } {
  const body = objectOf(event, `${agent} hook event`);
  const hookEvent = optionalString(body, 'hook_event_name');
  if (hookEvent !== undefined && hookEvent !== 'PreToolUse') {
    throw invalidEvent(`${agent}: only PreToolUse events are decided, not ${hookEvent}`);
  }
  const toolName = requiredString(body, 'tool_name', `${agent} hook event`);
  const input = objectOf(body.tool_input ?? {}, 'tool_input');
  const cwd = optionalString(body, 'cwd');
  const sessionId = optionalString(body, 'session_id');
  return {
    input,
    event: {
      toolName,
      form: 'PreToolUse',
      ...(cwd !== undefined ? { cwd } : {}),
      ...(sessionId !== undefined ? { sessionId } : {}),
    },
  };
}

function permission(permissionDecision: 'allow' | 'deny' | 'ask', reason: string): unknown {
  return {
    hookSpecificOutput: {
      hookEventName: 'PreToolUse',
      permissionDecision,
      permissionDecisionReason: reason,
    },
  };
}

/**
 * Claude Code: `deny` and `ask` through `hookSpecificOutput.permissionDecision` (exit 0); when
 * nothing could be decided, exit 2 with the reason on stderr (exit 1 would let the tool run).
 */
export const claudeCodeAdapter: AgentAdapter = {
  agent: 'claude-code',
  parseEvent(raw) {
    const { event, input } = parsePreToolUse(raw, 'claude-code');
    const actions = claudeToolActions(event.toolName, input, event.cwd) ?? [{ kind: 'unmapped', tool: event.toolName }];
    return { ...event, actions };
  },
  answer(verdict, _form, options) {
    if (verdict.decision === 'block') return jsonAnswer(permission('deny', verdict.message));
    if (verdict.decision === 'require_approval') return jsonAnswer(permission('ask', verdict.message));
    return options.explicitAllow ? jsonAnswer(permission('allow', verdict.message)) : SILENT;
  },
  failClosed: (message) => exitTwo(message),
};
