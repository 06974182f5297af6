import type { AgentAdapter, HookAction } from '../types.js';
import { SILENT, jsonAnswer } from './answers.js';
import {
  argumentsObject,
  firstString,
  mcpToolName,
  objectOf,
  optionalString,
  requiredString,
  type JsonObject,
} from './event-fields.js';

/** GitHub Copilot CLI's built-in tools. */
function copilotToolActions(toolName: string, args: JsonObject, cwd: string | undefined): HookAction[] | undefined {
  switch (toolName) {
    case 'bash':
    case 'shell':
    case 'powershell':
      return [{ kind: 'command', command: requiredString(args, 'command', toolName) }];
    case 'view':
    case 'read':
      return [{ kind: 'read', path: firstString(args, ['path', 'file_path'], toolName) }];
    case 'glob':
    case 'grep':
      return [{ kind: 'read', path: optionalString(args, 'path') || cwd || '.' }];
    case 'create':
    case 'edit':
    case 'str_replace':
    case 'write':
      return [{ kind: 'write', path: firstString(args, ['path', 'file_path'], toolName) }];
    default: {
      const mcp = mcpToolName(toolName);
      return mcp ? [{ kind: 'mcp', ...mcp }] : undefined;
    }
  }
}

function decision(permissionDecision: 'allow' | 'deny' | 'ask', reason: string): unknown {
  return { permissionDecision, permissionDecisionReason: reason };
}

/**
 * GitHub Copilot CLI `preToolUse` (camelCase form): `{timestamp, cwd, toolName, toolArgs}` where
 * `toolArgs` is a JSON string; answers `{permissionDecision, permissionDecisionReason}`. The
 * documented blocking form is the JSON deny, so failures answer it too (exit 0).
 */
export const copilotAdapter: AgentAdapter = {
  agent: 'copilot',
  parseEvent(raw) {
    const body = objectOf(raw, 'copilot hook event');
    const toolName = requiredString(body, 'toolName', 'copilot hook event');
    const args = argumentsObject(body.toolArgs, 'toolArgs');
    const cwd = optionalString(body, 'cwd');
    const sessionId = optionalString(body, 'sessionId');
    return {
      toolName,
      actions: copilotToolActions(toolName, args, cwd) ?? [{ kind: 'unmapped', tool: toolName }],
      form: 'preToolUse',
      ...(cwd !== undefined ? { cwd } : {}),
      ...(sessionId !== undefined ? { sessionId } : {}),
    };
  },
  answer(verdict, _form, options) {
    if (verdict.decision === 'block') return jsonAnswer(decision('deny', verdict.message));
    if (verdict.decision === 'require_approval') return jsonAnswer(decision('ask', verdict.message));
    return options.explicitAllow ? jsonAnswer(decision('allow', verdict.message)) : SILENT;
  },
  failClosed: (message) => jsonAnswer(decision('deny', message)),
};
