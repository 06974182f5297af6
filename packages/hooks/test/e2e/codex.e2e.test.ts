import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CAVRA_BIN, initProject, runAgentProcess, type AgentRun } from './agent-process.js';
import { scriptedResponsesApiStandIn, type ScriptedFunctionCall } from './scripted-responses-api-stand-in.js';

/**
 * The real Codex CLI (`@openai/codex`, pinned) in `codex exec` against a scripted stand-in for the
 * Responses API (a custom model provider on loopback), in a project set up by `cavra-runtime init
 * codex`. The sandbox and `approval_policy = "never"` would let every scripted command run, so
 * only the CAVRA hook can stop it. `--dangerously-bypass-hook-trust` stands in for the one-time
 * review of a new hook that Codex asks a person for. Needs the CLI built.
 */
const CODEX = fileURLToPath(new URL('../../node_modules/@openai/codex/bin/codex.js', import.meta.url));
const RUN_TIMEOUT_MS = 90_000;

let root: string;

beforeAll(() => {
  if (!existsSync(CODEX)) throw new Error(`the Codex CLI is missing at ${CODEX}: run \`pnpm install --frozen-lockfile\``);
  if (!existsSync(CAVRA_BIN)) throw new Error(`${CAVRA_BIN} is missing: run \`pnpm --filter @cavra/cli... build\` first`);
  root = mkdtempSync(join(tmpdir(), 'cavra-codex-e2e-'));
});

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

interface Scenario {
  project: string;
  outputs: string[];
  result: AgentRun;
}

async function scenario(name: string, call: ScriptedFunctionCall, before?: (policy: string) => void): Promise<Scenario> {
  const { project, policy } = await initProject('codex', root, name);
  const codexHome = join(root, `${name}-codex-home`);
  mkdirSync(codexHome);
  before?.(policy);
  const standIn = await scriptedResponsesApiStandIn(call);
  try {
    writeFileSync(
      join(codexHome, 'config.toml'),
      [
        'model = "gpt-5-codex"',
        'model_provider = "cavra_stand_in"',
        'approval_policy = "never"',
        '[model_providers.cavra_stand_in]',
        'name = "scripted Responses API stand-in"',
        `base_url = "${standIn.baseUrl}"`,
        'wire_api = "responses"',
        `[projects."${project}"]`,
        'trust_level = "trusted"',
        '',
      ].join('\n'),
    );
    const result = await runAgentProcess(
      process.execPath,
      [CODEX, 'exec', '--skip-git-repo-check', '--dangerously-bypass-hook-trust', '-s', 'workspace-write', `Do the ${name} step.`],
      {
        cwd: project,
        env: { PATH: process.env.PATH, HOME: root, CODEX_HOME: codexHome, OPENAI_API_KEY: 'sk-stand-in-not-a-key' },
        timeoutMs: RUN_TIMEOUT_MS,
      },
    );
    return { project, outputs: standIn.functionOutputs(), result };
  } finally {
    await standIn.close();
  }
}

function onlyOutput(run: Scenario): string {
  expect(run.outputs.length, `no function_call_output reached the stand-in; codex said: ${run.result.stdout}${run.result.stderr}`).toBe(1);
  return run.outputs[0] as string;
}

const SCENARIO_TIMEOUT_MS = 150_000;
const call = (cmd: string): ScriptedFunctionCall => ({ name: 'exec_command', arguments: { cmd } });

describe('Codex CLI with the CAVRA hook (real binary, scripted Responses API stand-in)', () => {
  it('blocks a command the policy blocks: it does not run, the model sees the CAVRA reason', async () => {
    const run = await scenario('blocked-command', call('touch ran-it && terraform apply -auto-approve'));
    expect(onlyOutput(run)).toContain('CAVRA block (commands.block): Matched blocked command policy: terraform apply*');
    expect(existsSync(join(run.project, 'ran-it'))).toBe(false);
  }, SCENARIO_TIMEOUT_MS);

  it('denies a command that needs approval (Codex would run it on ask)', async () => {
    const run = await scenario('approval-command', call('touch ran-it && make deploy'));
    expect(onlyOutput(run)).toContain('CAVRA require_approval (commands.default.require_approval)');
    expect(existsSync(join(run.project, 'ran-it'))).toBe(false);
  }, SCENARIO_TIMEOUT_MS);

  it('lets an allowed command run', async () => {
    const run = await scenario('allowed-command', call('echo allowed > allowed.txt'));
    onlyOutput(run);
    expect(readFileSync(join(run.project, 'allowed.txt'), 'utf8')).toBe('allowed\n');
  }, SCENARIO_TIMEOUT_MS);

  it('fails closed when the policy no longer loads', async () => {
    const run = await scenario('broken-policy', call('echo allowed > allowed.txt'), (policy) => writeFileSync(policy, '{ "commands": '));
    expect(onlyOutput(run)).toMatch(/CAVRA block \(hook\.policy_invalid\)/);
    expect(existsSync(join(run.project, 'allowed.txt'))).toBe(false);
  }, SCENARIO_TIMEOUT_MS);
});
