import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { TEST_POLICY } from '../support/fixtures.js';

/** The repository root and the built `cavra-runtime` bin that `init` names in the agent configs. */
const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
export const CAVRA_BIN = join(REPO, 'packages/cli/dist/bin.cjs');

export interface AgentRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a real agent binary to its end (killed after `timeoutMs`), with its output collected. */
export function runAgentProcess(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<AgentRun> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('error', fail);
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      done({ exitCode, stdout, stderr });
    });
  });
}

/**
 * A scenario's project: `<root>/<name>`, set up by `cavra-runtime init <agent>` with its own copy
 * of the test policy (`<root>/<name>-policy.json`, which a scenario may then break).
 */
export async function initProject(
  agent: string,
  root: string,
  name: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ project: string; policy: string }> {
  const project = join(root, name);
  mkdirSync(project);
  const policy = join(root, `${name}-policy.json`);
  copyFileSync(TEST_POLICY, policy);
  const init = await runAgentProcess(process.execPath, [CAVRA_BIN, 'init', agent, '--project', project, '--policy', policy], {
    cwd: project,
    env,
    timeoutMs: 30_000,
  });
  expect(init.exitCode, init.stderr).toBe(0);
  return { project, policy };
}
