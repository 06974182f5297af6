import { describe, expect, it } from 'vitest';
import { codexAdapter } from '../../src/adapters/codex.js';
import { runHook } from '../../src/index.js';
import { fixture, runFixture, stdoutJson, testPolicyEngine } from '../support/fixtures.js';

type Output = { hookSpecificOutput: { permissionDecision: string; permissionDecisionReason: string } };

describe('codex adapter: documented PreToolUse events', () => {
  it('reads Bash, apply_patch and MCP calls', () => {
    expect(codexAdapter.parseEvent(fixture('codex', 'bash')).actions).toEqual([
      { kind: 'command', command: 'git push --force origin HEAD:main' },
    ]);
    expect(codexAdapter.parseEvent(fixture('codex', 'apply-patch')).actions).toEqual([
      { kind: 'write', path: 'docs/notes.md' },
      { kind: 'write', path: '.env' },
    ]);
    expect(codexAdapter.parseEvent(fixture('codex', 'mcp')).actions).toEqual([{ kind: 'mcp', server: 'evil', tool: 'read_everything' }]);
  });

  it('reads a command given as an argument vector', () => {
    const event = codexAdapter.parseEvent({ hook_event_name: 'PreToolUse', tool_name: 'shell', tool_input: { command: ['bash', '-lc', 'terraform apply'] } });
    expect(event.actions).toEqual([{ kind: 'command', command: "bash -lc 'terraform apply'" }]);
  });

  it('denies a push to main through its refspec', async () => {
    const answer = stdoutJson(await runFixture('codex', 'bash')) as Output;
    expect(answer.hookSpecificOutput.permissionDecision).toBe('deny');
    expect(answer.hookSpecificOutput.permissionDecisionReason).toBe(
      'CAVRA block (git.protected_branch.block_direct_push): Direct push to protected branch is prohibited.',
    );
  });

  it('denies a patch that writes a blocked file', async () => {
    const answer = stdoutJson(await runFixture('codex', 'apply-patch')) as Output;
    expect(answer.hookSpecificOutput.permissionDecisionReason).toBe('CAVRA block (filesystem.write.block): Matched sensitive path policy: .env');
  });

  it('turns require_approval into a deny (Codex runs the tool on ask)', async () => {
    const answer = await runHookOn({ hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'make deploy' } });
    expect(answer.hookSpecificOutput.permissionDecision).toBe('deny');
    expect(answer.hookSpecificOutput.permissionDecisionReason).toMatch(/^CAVRA require_approval \(commands\.default\.require_approval\).*denied\]$/);
  });

  it('fails closed with exit 2 and a non-empty stderr', () => {
    const answer = codexAdapter.failClosed('CAVRA block (hook.internal): x', undefined);
    expect(answer.exitCode).toBe(2);
    expect(answer.stderr).toBe('CAVRA block (hook.internal): x\n');
  });
});

async function runHookOn(event: unknown): Promise<Output> {
  const answer = await runHook({ agent: 'codex', eventText: JSON.stringify(event), loadEngine: testPolicyEngine, cwd: '/work/project' });
  return stdoutJson(answer) as Output;
}
