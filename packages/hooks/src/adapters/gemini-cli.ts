import type { AgentAdapter, HookAction } from '../types.js';
import { CANNOT_ASK, SILENT, exitTwo, jsonAnswer } from './answers.js';
import {
  firstString,
  invalidEvent,
  objectOf,
  optionalString,
  requiredString,
  type JsonObject,
} from './event-fields.js';

function stringList(value: unknown, what: string): string[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((item) => typeof item === 'string' && item !== '')) {
    throw invalidEvent(`${what} must be a non-empty list of strings`);
  }
  return value as string[];
}

/** Gemini CLI's built-in tools. */
function geminiToolActions(toolName: string, input: JsonObject, cwd: string | undefined): HookAction[] | undefined {
  switch (toolName) {
    case 'run_shell_command':
      return [{ kind: 'command', command: requiredString(input, 'command', toolName) }];
    case 'read_file':
      return [{ kind: 'read', path: firstString(input, ['file_path', 'absolute_path', 'path'], toolName) }];
    case 'read_many_files':
      return stringList(input.paths ?? input.include, `${toolName} paths`).map((path) => ({ kind: 'read', path }));
    case 'list_directory':
    case 'glob':
    case 'search_file_content':
    case 'grep_search':
      return [{ kind: 'read', path: optionalString(input, 'dir_path') || optionalString(input, 'path') || cwd || '.' }];
    case 'write_file':
    case 'replace':
    case 'edit':
      return [{ kind: 'write', path: firstString(input, ['file_path', 'absolute_path', 'path'], toolName) }];
    default:
      return undefined;
  }
}

/**
 * Gemini CLI `BeforeTool`: `{session_id, cwd, hook_event_name, tool_name, tool_input, mcp_context?}`;
 * answers `{"decision": "deny", "reason"}`. It has no ask, so an approval-required call is denied.
 */
export const geminiCliAdapter: AgentAdapter = {
  agent: 'gemini-cli',
  parseEvent(raw) {
    const body = objectOf(raw, 'gemini-cli hook event');
    const hookEvent = optionalString(body, 'hook_event_name');
    if (hookEvent !== undefined && hookEvent !== 'BeforeTool') {
      throw invalidEvent(`gemini-cli: only BeforeTool events are decided, not ${hookEvent}`);
    }
    const toolName = requiredString(body, 'tool_name', 'gemini-cli hook event');
    const input = objectOf(body.tool_input ?? {}, 'tool_input');
    const cwd = optionalString(body, 'cwd');
    const sessionId = optionalString(body, 'session_id');
    let actions = geminiToolActions(toolName, input, cwd);
    if (!actions && body.mcp_context !== undefined && body.mcp_context !== null) {
      const mcp = objectOf(body.mcp_context, 'mcp_context');
      actions = [
        {
          kind: 'mcp',
          server: firstString(mcp, ['server_name', 'serverName', 'server'], 'mcp_context'),
          tool: optionalString(mcp, 'tool_name') || optionalString(mcp, 'toolName') || toolName,
        },
      ];
    }
    return {
      toolName,
      actions: actions ?? [{ kind: 'unmapped', tool: toolName }],
      form: 'BeforeTool',
      ...(cwd !== undefined ? { cwd } : {}),
      ...(sessionId !== undefined ? { sessionId } : {}),
    };
  },
  answer(verdict, _form, options) {
    if (verdict.decision === 'block') return jsonAnswer({ decision: 'deny', reason: verdict.message });
    if (verdict.decision === 'require_approval') return jsonAnswer({ decision: 'deny', reason: verdict.message + CANNOT_ASK });
    return options.explicitAllow ? jsonAnswer({ decision: 'allow', reason: verdict.message }) : SILENT;
  },
  failClosed: (message) => exitTwo(message),
};
