import type { AgentAdapter, HookAgent } from '../types.js';
import { claudeCodeAdapter } from './claude-code.js';
import { codexAdapter } from './codex.js';
import { copilotAdapter } from './copilot.js';
import { cursorAdapter } from './cursor.js';
import { geminiCliAdapter } from './gemini-cli.js';

export const AGENT_ADAPTERS: Readonly<Record<HookAgent, AgentAdapter>> = {
  'claude-code': claudeCodeAdapter,
  codex: codexAdapter,
  'gemini-cli': geminiCliAdapter,
  cursor: cursorAdapter,
  copilot: copilotAdapter,
};
