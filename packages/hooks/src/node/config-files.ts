import { mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CavraError } from '@cavra/policy-model';
import { isFileReadError, readRegularFile } from '@cavra/policy-model/node';
import { AGENT_CONFIG_FILES, installHookConfig, removeHookConfig } from '../config/hook-config.js';
import type { HookAgent } from '../types.js';

/** What `init` did to one file. */
export interface ConfigChange {
  file: string;
  change: 'created' | 'updated' | 'unchanged' | 'removed';
}

function readExisting(path: string): string | undefined {
  try {
    return readRegularFile(path).toString('utf8');
  } catch (error) {
    if (isFileReadError(error) && error.reason === 'not_found') return undefined;
    const why = isFileReadError(error) ? error.reason : String(error);
    throw new CavraError('config_unreadable', `${path}: cannot read it (${why}); the file was left untouched`);
  }
}

/** Temp file in the same directory, then rename: a reader sees the old file or the new one. */
function writeAtomically(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${Date.now().toString(36)}-${process.pid}.cavra.tmp`);
  let mode = 0o644;
  try {
    mode = statSync(path).mode & 0o777;
  } catch {
    // a new file
  }
  try {
    writeFileSync(temp, text, { mode, flag: 'wx' });
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw new CavraError('config_unreadable', `${path}: cannot write it (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

/** Installs (or with `remove`, takes out) CAVRA's hook in the agent's project configuration. */
export function applyAgentConfig(projectRoot: string, agent: HookAgent, command: string, remove = false): ConfigChange {
  const file = join(projectRoot, AGENT_CONFIG_FILES[agent]);
  const existing = readExisting(file);
  if (remove) {
    const next = removeHookConfig(existing, agent, file);
    if (next === existing) return { file, change: 'unchanged' };
    if (next === undefined) {
      rmSync(file, { force: true });
      return { file, change: 'removed' };
    }
    writeAtomically(file, next);
    return { file, change: 'updated' };
  }
  const next = installHookConfig(existing, agent, command, file);
  if (next === existing) return { file, change: 'unchanged' };
  writeAtomically(file, next);
  return { file, change: existing === undefined ? 'created' : 'updated' };
}
