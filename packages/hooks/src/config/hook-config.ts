import { CavraError } from '@cavra/policy-model';
import type { HookAgent } from '../types.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** Where each agent reads its project hook configuration, relative to the project root. */
export const AGENT_CONFIG_FILES: Readonly<Record<HookAgent, string>> = {
  'claude-code': '.claude/settings.json',
  codex: '.codex/hooks.json',
  'gemini-cli': '.gemini/settings.json',
  cursor: '.cursor/hooks.json',
  // Copilot CLI loads every `.github/hooks/*.json`: CAVRA gets a file of its own.
  copilot: '.github/hooks/cavra.json',
};

/** The hook events CAVRA is registered for, per agent. */
export const AGENT_HOOK_EVENTS: Readonly<Record<HookAgent, readonly string[]>> = {
  'claude-code': ['PreToolUse'],
  codex: ['PreToolUse'],
  'gemini-cli': ['BeforeTool'],
  cursor: ['beforeShellExecution', 'beforeReadFile', 'beforeMCPExecution', 'preToolUse'],
  copilot: ['preToolUse'],
};

/** The agent's own time limit for the hook: above the hook's internal one, so the hook answers first. */
const AGENT_TIMEOUT_SECONDS = 30;

/** POSIX shell quoting, only where a word needs it. */
const q = (word: string): string => (/^[A-Za-z0-9_./:=@%+,-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`);

export interface HookCommandOptions {
  /** Absolute path of node. */
  node: string;
  /** Absolute path of the cavra-runtime bin being run. */
  bin: string;
  agent: HookAgent;
  /** The hook's own options (`--project DIR`, `--policy-pack ID`, ...), absolute paths already. */
  hookArgs: readonly string[];
}

/** `'/usr/bin/node' '/…/bin.cjs' hook claude-code --project '/repo' …` (POSIX shell quoting). */
export function hookCommand(options: HookCommandOptions): string {
  return [q(options.node), q(options.bin), 'hook', options.agent, ...options.hookArgs.map(q)].join(' ');
}

/**
 * Whether a configured command is a CAVRA hook for `agent`: the runtime (a path ending in
 * `bin.cjs` or `cavra-runtime`, quoted or not) followed by `hook <agent>`.
 */
export function isCavraHookCommand(command: unknown, agent: HookAgent): boolean {
  if (typeof command !== 'string') return false;
  const escaped = agent.replace(/[-]/g, '\\-');
  return new RegExp(`(?:bin\\.cjs|cavra-runtime)'? hook ${escaped}(?:\\s|$)`).test(command);
}

function invalid(file: string, message: string): CavraError {
  return new CavraError('config_invalid', `${file}: ${message}; the file was left untouched`);
}

function parseConfig(text: string | undefined, file: string): JsonObject {
  if (text === undefined || text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw invalid(file, `not valid JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalid(file, 'not a JSON object');
  return parsed as JsonObject;
}

function objectAt(parent: JsonObject, key: string, file: string, create: boolean): JsonObject | undefined {
  const value = parent[key];
  if (value === undefined) {
    if (!create) return undefined;
    const fresh: JsonObject = {};
    parent[key] = fresh;
    return fresh;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(file, `"${key}" is not a JSON object`);
  return value;
}

function arrayAt(parent: JsonObject, key: string, file: string, create: boolean): Json[] | undefined {
  const value = parent[key];
  if (value === undefined) {
    if (!create) return undefined;
    const fresh: Json[] = [];
    parent[key] = fresh;
    return fresh;
  }
  if (!Array.isArray(value)) throw invalid(file, `"hooks.${key}" is not a list`);
  return value;
}

const isObject = (value: Json | undefined): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The shape of CAVRA's entry for one event, and how to find entries that are CAVRA's. */
interface EntryShape {
  entry(command: string): JsonObject;
  isOurs(entry: Json | undefined, agent: HookAgent): boolean;
}

/** Claude Code / Codex / Gemini CLI: `{matcher?, hooks: [{type: "command", command, timeout}]}` groups. */
function matcherGroupShape(matcher: string | undefined, timeout: number): EntryShape {
  return {
    entry: (command) => ({
      ...(matcher !== undefined ? { matcher } : {}),
      hooks: [{ type: 'command', command, timeout }],
    }),
    isOurs: (entry, agent) =>
      isObject(entry) &&
      Array.isArray(entry.hooks) &&
      entry.hooks.length === 1 &&
      isObject(entry.hooks[0]) &&
      isCavraHookCommand(entry.hooks[0].command, agent),
  };
}

const ENTRY_SHAPES: Readonly<Record<HookAgent, EntryShape>> = {
  // "*" matches every tool in Claude Code; Codex matchers are regular expressions, so none (every tool).
  'claude-code': matcherGroupShape('*', AGENT_TIMEOUT_SECONDS),
  codex: matcherGroupShape(undefined, AGENT_TIMEOUT_SECONDS),
  // Gemini CLI's timeout is in milliseconds; its matcher is a regular expression.
  'gemini-cli': matcherGroupShape('.*', AGENT_TIMEOUT_SECONDS * 1000),
  cursor: {
    entry: (command) => ({ command }),
    isOurs: (entry, agent) => isObject(entry) && isCavraHookCommand(entry.command, agent),
  },
  copilot: {
    entry: (command) => ({ type: 'command', bash: command, timeoutSec: AGENT_TIMEOUT_SECONDS }),
    isOurs: (entry, agent) => isObject(entry) && isCavraHookCommand(entry.bash, agent),
  },
};

/** Agents whose hook files carry `"version": 1`. */
const VERSIONED: ReadonlySet<HookAgent> = new Set(['cursor', 'copilot']);

function render(config: JsonObject): string {
  return `${JSON.stringify(config, null, 2)}\n`;
}

/**
 * The agent's configuration with CAVRA's hook installed: every other setting and hook kept as
 * it was, CAVRA's entry for each event replaced in place (or appended once), other copies of it
 * removed. Pure; running it on its own output changes nothing. Throws `config_invalid` for a
 * file that is not a JSON object of the expected shape.
 */
export function installHookConfig(existing: string | undefined, agent: HookAgent, command: string, file = AGENT_CONFIG_FILES[agent]): string {
  const config = parseConfig(existing, file);
  if (VERSIONED.has(agent) && config.version === undefined) config.version = 1;
  const hooks = objectAt(config, 'hooks', file, true) as JsonObject;
  const shape = ENTRY_SHAPES[agent];
  for (const event of AGENT_HOOK_EVENTS[agent]) {
    const entries = arrayAt(hooks, event, file, true) as Json[];
    const ours = shape.entry(command);
    const first = entries.findIndex((entry) => shape.isOurs(entry, agent));
    if (first === -1) {
      entries.push(ours);
      continue;
    }
    entries[first] = ours;
    for (let i = entries.length - 1; i > first; i--) if (shape.isOurs(entries[i], agent)) entries.splice(i, 1);
  }
  return render(config);
}

/**
 * The agent's configuration with CAVRA's entries taken out, and nothing else changed (an event
 * list or `hooks` object CAVRA's removal left empty goes too). `undefined` when the file holds
 * nothing else any more (only for files CAVRA owns, see `AGENT_CONFIG_FILES`), so it can be deleted.
 */
export function removeHookConfig(existing: string | undefined, agent: HookAgent, file = AGENT_CONFIG_FILES[agent]): string | undefined {
  if (existing === undefined) return undefined;
  const config = parseConfig(existing, file);
  const hooks = objectAt(config, 'hooks', file, false);
  if (!hooks) return existing;
  const shape = ENTRY_SHAPES[agent];
  let changed = false;
  for (const event of AGENT_HOOK_EVENTS[agent]) {
    const entries = arrayAt(hooks, event, file, false);
    if (!entries) continue;
    const kept = entries.filter((entry) => !shape.isOurs(entry, agent));
    if (kept.length === entries.length) continue;
    changed = true;
    if (kept.length === 0) delete hooks[event];
    else hooks[event] = kept;
  }
  if (!changed) return existing;
  if (Object.keys(hooks).length === 0) delete config.hooks;
  if (agent === 'copilot' && Object.keys(config).every((key) => key === 'version')) return undefined;
  return render(config);
}
