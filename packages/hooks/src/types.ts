import type { DecisionValue } from '@cavra/policy-model';

export const HOOK_AGENTS = ['claude-code', 'codex', 'gemini-cli', 'cursor', 'copilot'] as const;
export type HookAgent = (typeof HOOK_AGENTS)[number];

export function isHookAgent(name: string): name is HookAgent {
  return (HOOK_AGENTS as readonly string[]).includes(name);
}

/** What one agent tool call asks to do, in CAVRA's terms, before the views are taken. */
export type HookAction =
  | { kind: 'read'; path: string }
  | { kind: 'write'; path: string }
  | { kind: 'command'; command: string }
  | { kind: 'mcp'; server: string; tool: string }
  /** A tool the hook cannot map: decided as an unknown action (the fail-closed review default). */
  | { kind: 'unmapped'; tool: string };

/** An agent's hook event, read by its adapter. */
export interface HookEvent {
  toolName: string;
  actions: HookAction[];
  sessionId?: string;
  /** The agent's working directory (relative paths are relative to it). */
  cwd?: string;
  /** The project root the agent reported (Cursor's workspace root), if any. */
  projectRoot?: string;
  /** Which of the agent's answer forms applies (Cursor answers each event kind differently). */
  form: string;
}

/** The hook's one answer for a tool call: the strictest decision over all its requests and views. */
export interface HookVerdict {
  decision: DecisionValue;
  ruleId: string;
  /** `CAVRA <decision> (<rule id>): <reason>`. */
  message: string;
}

/** What the hook process prints and how it exits. */
export interface HookAnswer {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface AnswerOptions {
  /** Answer allow explicitly in the agent's form instead of printing nothing. */
  explicitAllow: boolean;
}

export interface AgentAdapter {
  readonly agent: HookAgent;
  /** Reads the agent's event; throws `CavraError` (`hook_event_invalid`) for a shape it does not know. */
  parseEvent(event: unknown): HookEvent;
  /** The agent's answer for a verdict. */
  answer(verdict: HookVerdict, form: string, options: AnswerOptions): HookAnswer;
  /** The agent's blocking answer when nothing could be decided (any error, a timeout). */
  failClosed(message: string, form: string | undefined): HookAnswer;
}
