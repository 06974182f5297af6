import type { AgentAdapter, HookAction } from '../types.js';
import { CANNOT_ASK, SILENT, exitTwo, jsonAnswer } from './answers.js';
import { claudeToolActions, parsePreToolUse } from './claude-code.js';
import { applyPatchWrites, commandString, firstString, type JsonObject } from './event-fields.js';

/** Codex's shell tools: the command is a string or an argument vector. */
const SHELL_TOOLS = new Set(['Bash', 'shell', 'local_shell', 'shell_command', 'exec_command', 'unified_exec']);

function codexToolActions(toolName: string, input: JsonObject, cwd: string | undefined): HookAction[] | undefined {
  if (SHELL_TOOLS.has(toolName)) {
    return [{ kind: 'command', command: commandString(input.command ?? input.cmd, toolName) }];
  }
  if (toolName === 'apply_patch') {
    return applyPatchWrites(firstString(input, ['command', 'input', 'patch'], 'apply_patch'));
  }
  return claudeToolActions(toolName, input, cwd);
}

function deny(reason: string): unknown {
  return {
    hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'deny', permissionDecisionReason: reason },
  };
}

/**
 * OpenAI Codex `PreToolUse`. Codex lets a tool run on `ask`, on invalid JSON and on exit 2 with
 * an empty stderr, so an approval-required call is denied, and a failure exits 2 with the
 * reason on stderr.
 */
export const codexAdapter: AgentAdapter = {
  agent: 'codex',
  parseEvent(raw) {
    const { event, input } = parsePreToolUse(raw, 'codex');
    const actions = codexToolActions(event.toolName, input, event.cwd) ?? [{ kind: 'unmapped', tool: event.toolName }];
    return { ...event, actions };
  },
  answer(verdict, _form, options) {
    if (verdict.decision === 'block') return jsonAnswer(deny(verdict.message));
    if (verdict.decision === 'require_approval') return jsonAnswer(deny(verdict.message + CANNOT_ASK));
    return options.explicitAllow
      ? jsonAnswer({
          hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'allow', permissionDecisionReason: verdict.message },
        })
      : SILENT;
  },
  failClosed: (message) => exitTwo(message),
};
