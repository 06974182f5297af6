import { realpathSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { CavraError } from '@cavra/policy-model';
import { HOOK_AGENTS, hookCommand, isHookAgent } from '@cavra/hooks';
import { applyAgentConfig } from '@cavra/hooks/node';
import { booleanFlag, parseArgs, stringFlag } from '../args.js';
import { EXIT_OK } from '../exit-codes.js';
import type { CliIo } from '../io.js';

export const INIT_FLAGS = {
  project: 'string',
  'policy-pack': 'string',
  'policy-dir': 'string',
  policy: 'string',
  registry: 'string',
  'evidence-log': 'string',
  'explicit-allow': 'boolean',
  'timeout-ms': 'string',
  remove: 'boolean',
} as const;

/** The runtime the agent will start for every hook event, by absolute path. */
export interface HookRuntime {
  node: string;
  bin: string;
}

/** This process: its node and the cavra-runtime bin it was started as. */
export function currentRuntime(): HookRuntime {
  return { node: process.execPath, bin: realpathSync(resolve(process.argv[1] ?? '.')) };
}

function requireExisting(path: string, kind: 'file' | 'directory', option: string): void {
  let ok = false;
  try {
    const stat = statSync(path);
    ok = kind === 'file' ? stat.isFile() : stat.isDirectory();
  } catch {
    ok = false;
  }
  if (!ok) throw new CavraError('input_unreadable', `${option} ${path}: not an existing ${kind}`);
}

/**
 * `cavra-runtime init <agent> --project DIR [--policy-pack ID] [--policy-dir DIR | --policy FILE]
 * [--registry FILE] [--evidence-log FILE] [--explicit-allow] [--timeout-ms N] [--remove]`:
 * installs (or removes) the hook in the agent's project configuration. Prints one JSON line:
 * `{"agent", "file", "change", "command"}`.
 */
export function initCommand(argv: readonly string[], io: CliIo, runtime: HookRuntime = currentRuntime()): Promise<number> {
  const flags = parseArgs(argv, INIT_FLAGS);
  const [agent, ...extra] = flags.positionals;
  if (agent === undefined || !isHookAgent(agent)) {
    throw new CavraError('usage', `usage: cavra-runtime init <agent> --project DIR [options]; agents: ${HOOK_AGENTS.join(', ')}`);
  }
  if (extra.length > 0) throw new CavraError('usage', `unexpected argument: ${extra[0] as string}`);
  const projectFlag = stringFlag(flags, 'project');
  if (projectFlag === undefined) throw new CavraError('usage', 'init needs --project DIR');
  if (stringFlag(flags, 'policy') !== undefined && stringFlag(flags, 'policy-dir') !== undefined) {
    throw new CavraError('usage', 'give --policy FILE or --policy-dir DIR, not both');
  }
  const project = resolve(io.cwd, projectFlag);
  requireExisting(project, 'directory', '--project');

  // The hook runs from the agent's working directory: every path it gets is absolute.
  const hookArgs: string[] = ['--project', project];
  const pathOption = (name: 'policy-dir' | 'policy' | 'registry' | 'evidence-log', kind?: 'file' | 'directory'): void => {
    const value = stringFlag(flags, name);
    if (value === undefined) return;
    const absolute = resolve(io.cwd, value);
    if (kind) requireExisting(absolute, kind, `--${name}`);
    hookArgs.push(`--${name}`, absolute);
  };
  const pack = stringFlag(flags, 'policy-pack');
  if (pack !== undefined) hookArgs.push('--policy-pack', pack);
  pathOption('policy-dir', 'directory');
  pathOption('policy', 'file');
  pathOption('registry', 'file');
  pathOption('evidence-log');
  if (booleanFlag(flags, 'explicit-allow')) hookArgs.push('--explicit-allow');
  const timeout = stringFlag(flags, 'timeout-ms');
  if (timeout !== undefined) {
    if (!/^[0-9]+$/.test(timeout) || Number(timeout) <= 0) throw new CavraError('usage', `--timeout-ms must be a positive whole number, not ${timeout}`);
    hookArgs.push('--timeout-ms', timeout);
  }

  const command = hookCommand({ node: runtime.node, bin: runtime.bin, agent, hookArgs });
  const { file, change } = applyAgentConfig(project, agent, command, booleanFlag(flags, 'remove'));
  io.stdout.write(`${JSON.stringify({ agent, file, change, ...(booleanFlag(flags, 'remove') ? {} : { command }) })}\n`);
  return Promise.resolve(EXIT_OK);
}
