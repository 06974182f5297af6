import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CAVRA_BIN, initProject, runAgentProcess, type AgentRun } from './agent-process.js';
import { scriptedMessagesApiStandIn, type ScriptedToolCall } from './scripted-messages-api-stand-in.js';

/**
 * The real Claude Code binary (`@anthropic-ai/claude-code`, pinned) in print mode against a
 * scripted stand-in for the Messages API, in a project set up by `cavra-runtime init
 * claude-code`. Claude's own permission rules would let every scripted tool run
 * (`--permission-mode acceptEdits`, `--allowedTools`), so only the CAVRA hook can stop it.
 * Needs the CLI built (`pnpm --filter @cavra/cli... build`).
 */
const CLAUDE = fileURLToPath(new URL('../../node_modules/@anthropic-ai/claude-code/bin/claude.exe', import.meta.url));
const RUN_TIMEOUT_MS = 60_000;

let root: string;
let home: string;

beforeAll(() => {
  // The size alone: reading the ~200 MB binary whole took most of this hook's timeout on a busy machine.
  if (!existsSync(CLAUDE) || statSync(CLAUDE).size < 1_000_000) {
    throw new Error(
      `the Claude Code binary is missing at ${CLAUDE}: run \`pnpm install --frozen-lockfile\` (@anthropic-ai/claude-code must be in onlyBuiltDependencies so its postinstall puts the native binary there)`,
    );
  }
  if (!existsSync(CAVRA_BIN)) throw new Error(`${CAVRA_BIN} is missing: run \`pnpm --filter @cavra/cli... build\` first`);
  root = mkdtempSync(join(tmpdir(), 'cavra-claude-e2e-'));
  home = join(root, 'home');
  mkdirSync(home);
});

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

interface Scenario {
  project: string;
  policy: string;
  standIn: Awaited<ReturnType<typeof scriptedMessagesApiStandIn>>;
  result: AgentRun;
}

/** A fresh project set up with `cavra-runtime init claude-code`, one scripted tool call, one Claude run. */
async function scenario(
  name: string,
  call: (project: string) => ScriptedToolCall,
  before?: (paths: { project: string; policy: string }) => void,
): Promise<Scenario> {
  const { project, policy } = await initProject('claude-code', root, name, { ...process.env, HOME: home });
  before?.({ project, policy });
  const standIn = await scriptedMessagesApiStandIn(call(project));
  try {
    const result = await runAgentProcess(
      CLAUDE,
      ['-p', `Do the ${name} step.`, '--output-format', 'json', '--permission-mode', 'acceptEdits', '--allowedTools', 'Bash,Write,Read,Edit', '--max-turns', '3'],
      {
        cwd: project,
        env: {
          PATH: process.env.PATH,
          HOME: home,
          CLAUDE_CONFIG_DIR: join(home, '.claude'),
          ANTHROPIC_BASE_URL: standIn.baseUrl,
          ANTHROPIC_API_KEY: 'sk-ant-stand-in-not-a-key',
          CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
          DISABLE_AUTOUPDATER: '1',
          DISABLE_TELEMETRY: '1',
          DISABLE_ERROR_REPORTING: '1',
        },
        timeoutMs: RUN_TIMEOUT_MS,
      },
    );
    return { project, policy, standIn, result };
  } finally {
    await standIn.close();
  }
}

/** What the tool returned to the model; fails with Claude's own output when it sent nothing back. */
function onlyToolResult(run: Scenario): { content: string; isError: boolean } {
  const results = run.standIn.toolResults();
  expect(results.length, `no tool_result reached the stand-in; claude said: ${run.result.stdout}${run.result.stderr}`).toBeGreaterThan(0);
  return results[0] as { content: string; isError: boolean };
}

const SCENARIO_TIMEOUT_MS = 150_000;

describe('Claude Code with the CAVRA hook (real binary, scripted Messages API stand-in)', () => {
  it('blocks a write the policy blocks: nothing reaches the disk, the model sees the CAVRA reason', async () => {
    const run = await scenario('blocked-write', (project) => ({ name: 'Write', input: { file_path: join(project, '.env'), content: 'TOKEN=leaked\n' } }));
    const result = onlyToolResult(run);
    expect(result.content).toContain('CAVRA block (filesystem.write.block): Matched sensitive path policy: .env');
    expect(existsSync(join(run.project, '.env'))).toBe(false);
  }, SCENARIO_TIMEOUT_MS);

  it('does not run a command that needs approval (ask)', async () => {
    const run = await scenario('approval-command', () => ({ name: 'Bash', input: { command: 'touch ran-it && make deploy', description: 'deploy' } }));
    const result = onlyToolResult(run);
    expect(result.isError).toBe(true);
    expect(result.content).toContain('CAVRA require_approval (commands.default.require_approval): No allow rule matched; review required.');
    expect(existsSync(join(run.project, 'ran-it'))).toBe(false);
  }, SCENARIO_TIMEOUT_MS);

  it('lets an allowed write through: the file is written', async () => {
    const run = await scenario('allowed-write', (project) => ({ name: 'Write', input: { file_path: join(project, 'notes.txt'), content: 'hello from the agent\n' } }));
    const result = onlyToolResult(run);
    expect(result.isError).toBe(false);
    expect(readFileSync(join(run.project, 'notes.txt'), 'utf8')).toBe('hello from the agent\n');
  }, SCENARIO_TIMEOUT_MS);

  it('fails closed when the policy no longer loads: the same allowed write is blocked', async () => {
    const run = await scenario(
      'broken-policy',
      (project) => ({ name: 'Write', input: { file_path: join(project, 'notes.txt'), content: 'hello\n' } }),
      ({ policy }) => writeFileSync(policy, '{ "filesystem": '),
    );
    const result = onlyToolResult(run);
    expect(result.isError).toBe(true);
    expect(result.content).toMatch(/CAVRA block \(hook\.policy_invalid\)/);
    expect(existsSync(join(run.project, 'notes.txt'))).toBe(false);
  }, SCENARIO_TIMEOUT_MS);
});
