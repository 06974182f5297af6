import type { HookAnswer } from '../types.js';

export const SILENT: HookAnswer = { stdout: '', stderr: '', exitCode: 0 };

export function jsonAnswer(body: unknown, exitCode = 0, stderr = ''): HookAnswer {
  return { stdout: `${JSON.stringify(body)}\n`, stderr, exitCode };
}

/** Exit 2 with the reason on stderr: the blocking exit status of Claude Code, Codex, Gemini CLI and Cursor. */
export function exitTwo(message: string, stdout = ''): HookAnswer {
  return { stdout, stderr: `${message}\n`, exitCode: 2 };
}

/** The note added where an agent cannot ask its user, so an approval-required call is denied. */
export const CANNOT_ASK = ' [approval required: this agent cannot ask for it from a hook, so the call is denied]';
