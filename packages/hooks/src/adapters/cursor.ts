import type { AgentAdapter, HookAction, HookAnswer, HookVerdict } from '../types.js';
import { CANNOT_ASK, SILENT, jsonAnswer } from './answers.js';
import {
  argumentsObject,
  firstString,
  invalidEvent,
  mcpToolName,
  objectOf,
  optionalString,
  requiredString,
  type JsonObject,
} from './event-fields.js';

export const CURSOR_EVENTS = ['beforeShellExecution', 'beforeReadFile', 'beforeMCPExecution', 'preToolUse'] as const;

/** Cursor agent tools as `preToolUse` names them. */
function cursorToolActions(toolName: string, input: JsonObject, cwd: string | undefined): HookAction[] | undefined {
  switch (toolName) {
    case 'Shell':
    case 'Terminal':
    case 'run_terminal_cmd':
      return [{ kind: 'command', command: requiredString(input, 'command', toolName) }];
    case 'Read':
    case 'read_file':
      return [{ kind: 'read', path: firstString(input, ['file_path', 'path', 'target_file'], toolName) }];
    case 'Grep':
    case 'Glob':
    case 'LS':
    case 'list_dir':
      return [{ kind: 'read', path: optionalString(input, 'path') || optionalString(input, 'target_directory') || cwd || '.' }];
    case 'Write':
    case 'Edit':
    case 'StrReplace':
    case 'MultiEdit':
    case 'Delete':
    case 'edit_file':
    case 'delete_file':
      return [{ kind: 'write', path: firstString(input, ['file_path', 'path', 'target_file'], toolName) }];
    default: {
      const mcp = mcpToolName(toolName);
      return mcp ? [{ kind: 'mcp', ...mcp }] : undefined;
    }
  }
}

function cursorActions(event: string, body: JsonObject, cwd: string | undefined): { toolName: string; actions: HookAction[] } {
  switch (event) {
    case 'beforeShellExecution':
      return { toolName: 'shell', actions: [{ kind: 'command', command: requiredString(body, 'command', event) }] };
    case 'beforeReadFile':
      return { toolName: 'read', actions: [{ kind: 'read', path: firstString(body, ['file_path', 'path'], event) }] };
    case 'beforeMCPExecution': {
      const tool = requiredString(body, 'tool_name', event);
      // Cursor names the server by its URL or its launch command; a `server` field wins when present.
      const server = optionalString(body, 'server') || optionalString(body, 'server_name') || optionalString(body, 'url') || optionalString(body, 'command');
      if (!server) throw invalidEvent(`${event}: the MCP server is not named (server, url or command)`);
      return { toolName: tool, actions: [{ kind: 'mcp', server, tool }] };
    }
    default: {
      const toolName = requiredString(body, 'tool_name', event);
      const input = argumentsObject(body.tool_input, 'tool_input');
      return { toolName, actions: cursorToolActions(toolName, input, cwd) ?? [{ kind: 'unmapped', tool: toolName }] };
    }
  }
}

function deny(form: string, message: string): HookAnswer {
  if (form === 'preToolUse') return jsonAnswer({ decision: 'deny', reason: message });
  if (form === 'beforeReadFile') return jsonAnswer({ permission: 'deny' });
  return jsonAnswer({ permission: 'deny', user_message: message, agent_message: message });
}

/**
 * Cursor hooks: `beforeShellExecution` / `beforeMCPExecution` answer `{permission, user_message,
 * agent_message}` with allow/deny/ask; `beforeReadFile` only allow/deny (ask becomes deny);
 * `preToolUse` answers `{decision, reason}`. Failures answer deny and exit 2.
 */
export const cursorAdapter: AgentAdapter = {
  agent: 'cursor',
  parseEvent(raw) {
    const body = objectOf(raw, 'cursor hook event');
    const event = requiredString(body, 'hook_event_name', 'cursor hook event');
    if (!(CURSOR_EVENTS as readonly string[]).includes(event)) {
      throw invalidEvent(`cursor: ${event} is not decided (only ${CURSOR_EVENTS.join(', ')})`);
    }
    const roots = body.workspace_roots;
    const projectRoot = Array.isArray(roots) && typeof roots[0] === 'string' ? roots[0] : undefined;
    const cwd = optionalString(body, 'cwd') ?? projectRoot;
    const sessionId = optionalString(body, 'conversation_id') ?? optionalString(body, 'session_id');
    return {
      ...cursorActions(event, body, cwd),
      form: event,
      ...(cwd !== undefined ? { cwd } : {}),
      ...(projectRoot !== undefined ? { projectRoot } : {}),
      ...(sessionId !== undefined ? { sessionId } : {}),
    };
  },
  answer(verdict: HookVerdict, form, options) {
    if (verdict.decision === 'block') return deny(form, verdict.message);
    if (verdict.decision === 'require_approval') {
      if (form === 'beforeShellExecution' || form === 'beforeMCPExecution') {
        return jsonAnswer({ permission: 'ask', user_message: verdict.message, agent_message: verdict.message });
      }
      return deny(form, verdict.message + CANNOT_ASK);
    }
    if (!options.explicitAllow) return SILENT;
    return form === 'preToolUse' ? jsonAnswer({ decision: 'allow' }) : jsonAnswer({ permission: 'allow' });
  },
  failClosed(message, form) {
    const answer = deny(form ?? 'beforeShellExecution', message);
    return { ...answer, stderr: `${message}\n`, exitCode: 2 };
  },
};
