import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CAVRA_BIN, initProject, runAgentProcess, type AgentRun } from './agent-process.js';
import { scriptedGeminiApiStandIn, type ScriptedGeminiCall } from './scripted-gemini-api-stand-in.js';

/**
 * The real Gemini CLI (`@google/gemini-cli`, pinned) in headless mode (`-p`) against a scripted
 * stand-in for the Gemini API on loopback (`GOOGLE_GEMINI_BASE_URL`), in a project set up by
 * `cavra-runtime init gemini-cli`. `--yolo` approves every tool call, so only the CAVRA hook can
 * stop one. `GEMINI_CLI_TRUST_WORKSPACE` stands in for a person trusting the folder once; the
 * model is pinned so the CLI does not first ask a routing model. Needs the CLI built.
 */
const GEMINI = fileURLToPath(new URL('../../node_modules/@google/gemini-cli/bundle/gemini.js', import.meta.url));
const RUN_TIMEOUT_MS = 90_000;

let root: string;

beforeAll(() => {
  if (!existsSync(GEMINI)) throw new Error(`the Gemini CLI is missing at ${GEMINI}: run \`pnpm install --frozen-lockfile\``);
  if (!existsSync(CAVRA_BIN)) throw new Error(`${CAVRA_BIN} is missing: run \`pnpm --filter @cavra/cli... build\` first`);
  root = mkdtempSync(join(tmpdir(), 'cavra-gemini-e2e-'));
});

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

interface Scenario {
  project: string;
  responses: string[];
  result: AgentRun;
}

async function scenario(name: string, call: ScriptedGeminiCall, before?: (policy: string) => void): Promise<Scenario> {
  const { project, policy } = await initProject('gemini-cli', root, name);
  const home = join(root, `${name}-home`);
  mkdirSync(join(home, '.gemini'), { recursive: true });
  before?.(policy);
  // The user's own settings: an API key (the stand-in's), nothing else.
  writeFileSync(join(home, '.gemini', 'settings.json'), `${JSON.stringify({ security: { auth: { selectedType: 'gemini-api-key' } } })}\n`);
  const standIn = await scriptedGeminiApiStandIn(call);
  try {
    const result = await runAgentProcess(
      process.execPath,
      [GEMINI, '-m', 'gemini-2.5-flash', '--yolo', '--output-format', 'json', '-p', `Do the ${name} step.`],
      {
        cwd: project,
        env: {
          PATH: process.env.PATH,
          HOME: home,
          GEMINI_CLI_TRUST_WORKSPACE: 'true',
          GOOGLE_GEMINI_BASE_URL: standIn.baseUrl,
          GEMINI_API_KEY: 'stand-in-not-a-key',
        },
        timeoutMs: RUN_TIMEOUT_MS,
      },
    );
    return { project, responses: standIn.functionResponses(), result };
  } finally {
    await standIn.close();
  }
}

function onlyResponse(run: Scenario): string {
  expect(run.responses.length, `no functionResponse reached the stand-in; gemini said: ${run.result.stdout}${run.result.stderr}`).toBe(1);
  return run.responses[0] as string;
}

const SCENARIO_TIMEOUT_MS = 150_000;
const shell = (command: string): ScriptedGeminiCall => ({ name: 'run_shell_command', args: { command, description: 'scripted step' } });

describe('Gemini CLI with the CAVRA hook (real binary, scripted Gemini API stand-in)', () => {
  it('blocks a write the policy blocks: the file is not written, the model sees the CAVRA reason', async () => {
    const run = await scenario('blocked-write', { name: 'write_file', args: { file_path: 'secrets/token.txt', content: 'TOKEN=leaked\n' } });
    expect(onlyResponse(run)).toContain('CAVRA block (filesystem.write.block): Matched sensitive path policy: secrets/**');
    expect(existsSync(join(run.project, 'secrets', 'token.txt'))).toBe(false);
  }, SCENARIO_TIMEOUT_MS);

  it('denies a command that needs approval (a Gemini hook cannot ask)', async () => {
    const run = await scenario('approval-command', shell('touch ran-it && make deploy'));
    expect(onlyResponse(run)).toContain('CAVRA require_approval (commands.default.require_approval)');
    expect(existsSync(join(run.project, 'ran-it'))).toBe(false);
  }, SCENARIO_TIMEOUT_MS);

  it('lets an allowed command run', async () => {
    const run = await scenario('allowed-command', shell('echo allowed > allowed.txt'));
    onlyResponse(run);
    expect(readFileSync(join(run.project, 'allowed.txt'), 'utf8')).toBe('allowed\n');
  }, SCENARIO_TIMEOUT_MS);

  it('fails closed when the policy no longer loads', async () => {
    const run = await scenario('broken-policy', shell('echo allowed > allowed.txt'), (policy) => writeFileSync(policy, '{ "commands": '));
    expect(onlyResponse(run)).toMatch(/CAVRA block \(hook\.policy_invalid\)/);
    expect(existsSync(join(run.project, 'allowed.txt'))).toBe(false);
  }, SCENARIO_TIMEOUT_MS);
});
