import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/main.js';
import type { CliIo } from '../../src/io.js';
import { runCli } from '../support/run-cli.js';

const POLICY = fileURLToPath(new URL('../../../hooks/test/fixtures/policy/hook-test-policy.json', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'cavra-hook-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function hook(argv: string[], stdin: NodeJS.ReadableStream | string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdin: typeof stdin === 'string' ? Readable.from([stdin]) : stdin,
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: { write: (chunk: string) => (stderr += chunk) },
    env: {},
    cwd: dir,
  };
  const code = await main(['hook', ...argv], io);
  return { code, stdout, stderr };
}

const event = (tool: string, input: Record<string, unknown>): string =>
  JSON.stringify({ session_id: 's', cwd: '/work/project', hook_event_name: 'PreToolUse', tool_name: tool, tool_input: input });

describe('cavra-runtime hook', () => {
  it('decides with --policy and answers in the agent protocol', async () => {
    const result = await hook(['claude-code', '--policy', POLICY, '--project', '/work/project'], event('Bash', { command: 'ls && terraform apply' }));
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      hookSpecificOutput: {
        hookEventName: 'PreToolUse',
        permissionDecision: 'deny',
        permissionDecisionReason: 'CAVRA block (commands.block): Matched blocked command policy: terraform apply*',
      },
    });
  });

  it('uses the bundled packs by default, and --policy-pack on every request', async () => {
    const read = await hook(['claude-code', '--project', '/work/project'], event('Read', { file_path: '/work/project/.env' }));
    expect(JSON.parse(read.stdout)).toMatchObject({ hookSpecificOutput: { permissionDecision: 'deny' } });
    const tf = await hook(['claude-code', '--policy-pack', 'cavra-terraform-prod', '--project', '/work/project'], event('Write', { file_path: '/work/project/infra/backend.tf' }));
    expect(JSON.parse(tf.stdout)).toMatchObject({ hookSpecificOutput: { permissionDecisionReason: 'CAVRA block (filesystem.write.block): Matched sensitive path policy: **/backend.tf' } });
  });

  it('appends every decision to --evidence-log', async () => {
    const log = join(dir, 'evidence.jsonl');
    await hook(['claude-code', '--policy', POLICY, '--evidence-log', log], event('Bash', { command: 'echo a; echo b' }));
    const lines = readFileSync(log, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as { request: { target: string }; decision: { decision: string; decision_id: string } });
    expect(lines.map((line) => line.request.target)).toEqual(['echo a; echo b', 'echo a', 'echo b']);
    expect(lines.every((line) => line.decision.decision === 'allow' && /^dec_/.test(line.decision.decision_id))).toBe(true);
  });

  it('fails closed in the agent form: broken policy, bad option, bad event, unwritable log', async () => {
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{"filesystem": ');
    const cases: [string[], string][] = [
      [['claude-code', '--policy', broken], event('Read', { file_path: 'a' })],
      [['claude-code', '--no-such-option'], event('Read', { file_path: 'a' })],
      [['claude-code', '--timeout-ms', 'soon'], event('Read', { file_path: 'a' })],
      [['claude-code'], 'not json'],
      [['claude-code', '--evidence-log', join(dir, 'missing/dir/log')], event('Read', { file_path: 'a' })],
    ];
    for (const [argv, input] of cases) {
      const result = await hook(argv, input);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/^CAVRA block \(hook\.[a-z_]+\): /);
    }
    const codex = await hook(['codex', '--policy', broken], event('Read', { file_path: 'a' }));
    expect(codex.code).toBe(2);
    expect(codex.stderr).toMatch(/^CAVRA block \(hook\.policy_invalid\)/);
    const copilot = await hook(['copilot', '--policy', broken], JSON.stringify({ toolName: 'bash', toolArgs: '{"command":"ls"}' }));
    expect(copilot.code).toBe(0);
    expect(JSON.parse(copilot.stdout)).toMatchObject({ permissionDecision: 'deny' });
  });

  it('blocks when no decision arrives in time (stdin never closes)', async () => {
    const never = new PassThrough();
    const started = Date.now();
    const result = await hook(['gemini-cli', '--timeout-ms', '200'], never);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('CAVRA block (hook.hook_timeout): no decision within 200 ms\n');
    expect(never.destroyed).toBe(true);
  });

  it('decides an event larger than a decision request (a big file write)', async () => {
    const big = event('Write', { file_path: '/work/project/big.txt', content: 'x'.repeat(3 * 1024 * 1024) });
    expect(await hook(['claude-code', '--policy', POLICY], big)).toEqual({ code: 0, stdout: '', stderr: '' });
    const blocked = event('Write', { file_path: '/work/project/.env', content: 'x'.repeat(3 * 1024 * 1024) });
    expect(JSON.parse((await hook(['claude-code', '--policy', POLICY], blocked)).stdout)).toMatchObject({ hookSpecificOutput: { permissionDecision: 'deny' } });
  });

  it('refuses an unknown agent with a usage error', async () => {
    const result = await hook(['windsurf'], '{}');
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stderr)).toMatchObject({ error: { code: 'usage' } });
  });

  it('runs as a real process: silent allow, exit 2 on a broken policy', async () => {
    const allowed = await runCli(['hook', 'claude-code', '--policy', POLICY], event('Read', { file_path: '/work/project/README.md' }));
    expect(allowed).toEqual({ code: 0, stdout: '', stderr: '' });
    const broken = join(dir, 'broken2.json');
    writeFileSync(broken, 'nope');
    const blocked = await runCli(['hook', 'claude-code', '--policy', broken], event('Read', { file_path: 'a' }));
    expect(blocked.code).toBe(2);
    expect(blocked.stderr).toMatch(/^CAVRA block \(hook\.policy_invalid\)/);
  }, 60_000);
});
