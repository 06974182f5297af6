import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HOOK_AGENTS, AGENT_CONFIG_FILES } from '@cavra/hooks';
import { initCommand, type HookRuntime } from '../../src/commands/init.js';
import { errorPayload, exitCodeFor } from '../../src/exit-codes.js';
import { memoryIo, runMain } from '../support/memory-io.js';

const dir = mkdtempSync(join(tmpdir(), 'cavra-init-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
/** The runtime the written hook names (the real one is this process's node and bin). */
const runtime: HookRuntime = { node: '/opt/node/bin/node', bin: '/opt/cavra/dist/bin.cjs' };

async function init(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { io, stdout, stderr } = memoryIo('', { cwd: dir });
  let code: number;
  try {
    code = await initCommand(argv, io, runtime);
  } catch (error) {
    // What main() does with a failure.
    io.stderr.write(`${JSON.stringify(errorPayload(error))}\n`);
    code = exitCodeFor(error);
  }
  return { code, stdout: stdout(), stderr: stderr() };
}

function project(name: string): string {
  const path = join(dir, name);
  mkdirSync(path, { recursive: true });
  return path;
}

describe('cavra-runtime init', () => {
  it('writes every agent its configuration; twice changes nothing, byte for byte; --remove takes it out', async () => {
    for (const agent of HOOK_AGENTS) {
      const root = project(`all-${agent}`);
      const policy = join(root, 'policy.json');
      writeFileSync(policy, '{}');
      const first = await init([agent, '--project', root, '--policy', policy, '--evidence-log', 'log.jsonl']);
      expect(first.code).toBe(0);
      const summary = JSON.parse(first.stdout) as { change: string; file: string; command: string };
      expect(summary).toMatchObject({ change: 'created', file: join(root, AGENT_CONFIG_FILES[agent]) });
      expect(summary.command).toBe(`/opt/node/bin/node /opt/cavra/dist/bin.cjs hook ${agent} --project ${root} --policy ${policy} --evidence-log ${join(dir, 'log.jsonl')}`);
      const written = readFileSync(summary.file, 'utf8');
      expect(written).toContain(JSON.stringify(summary.command));
      const second = await init([agent, '--project', root, '--policy', policy, '--evidence-log', 'log.jsonl']);
      expect(JSON.parse(second.stdout)).toMatchObject({ change: 'unchanged' });
      expect(readFileSync(summary.file, 'utf8')).toBe(written);
      const removed = await init([agent, '--project', root, '--remove']);
      expect(removed.code).toBe(0);
      if (agent === 'copilot') expect(existsSync(summary.file)).toBe(false);
      else expect(readFileSync(summary.file, 'utf8')).not.toContain('bin.cjs');
    }
  });

  it('keeps the user settings and hooks already there', async () => {
    const root = project('keep');
    mkdirSync(join(root, '.claude'));
    const user = { model: 'opus', hooks: { PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: './guard.sh' }] }] } };
    writeFileSync(join(root, '.claude/settings.json'), JSON.stringify(user));
    await init(['claude-code', '--project', root, '--policy-pack', 'cavra-terraform-prod']);
    const merged = JSON.parse(readFileSync(join(root, '.claude/settings.json'), 'utf8')) as typeof user;
    expect(merged.model).toBe('opus');
    expect(merged.hooks.PreToolUse[0]).toEqual(user.hooks.PreToolUse[0]);
    expect(merged.hooks.PreToolUse).toHaveLength(2);
    await init(['claude-code', '--project', root, '--remove']);
    expect(JSON.parse(readFileSync(join(root, '.claude/settings.json'), 'utf8'))).toEqual(user);
  });

  it('leaves a bad existing configuration untouched, with a clear error', async () => {
    const root = project('bad');
    mkdirSync(join(root, '.gemini'));
    writeFileSync(join(root, '.gemini/settings.json'), '{"hooks": [1, 2]}');
    const result = await init(['gemini-cli', '--project', root]);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stderr)).toMatchObject({ error: { code: 'config_invalid' } });
    expect(readFileSync(join(root, '.gemini/settings.json'), 'utf8')).toBe('{"hooks": [1, 2]}');
  });

  it('checks its options', async () => {
    const root = project('opts');
    const cases: [string[], string][] = [
      [['claude-code'], 'usage'],
      [['vim', '--project', root], 'usage'],
      [['claude-code', '--project', join(dir, 'missing')], 'input_unreadable'],
      [['claude-code', '--project', root, '--policy', 'a.json', '--policy-dir', 'packs'], 'usage'],
      [['claude-code', '--project', root, '--policy', join(dir, 'no-such-policy.json')], 'input_unreadable'],
      [['claude-code', '--project', root, '--timeout-ms', '0'], 'usage'],
    ];
    for (const [argv, code] of cases) {
      const result = await init(argv);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(JSON.parse(result.stderr)).toMatchObject({ error: { code } });
    }
  });
});

describe('cavra-runtime init through main', () => {
  it('is registered as a subcommand', async () => {
    const { code, stderr } = await runMain(['init', 'claude-code'], '', { cwd: dir });
    expect(code).toBe(2);
    expect(stderr).toContain('init needs --project DIR');
  });
});
