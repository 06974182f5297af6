import { describe, expect, it } from 'vitest';
import { claudeCodeAdapter } from '../../src/adapters/claude-code.js';
import { fixture, runFixture, stdoutJson } from '../support/fixtures.js';

const deny = (reason: string) => ({
  hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'deny', permissionDecisionReason: reason },
});

describe('claude-code adapter: documented PreToolUse events', () => {
  it.each([
    ['bash', { kind: 'command', command: 'echo start && terraform apply -auto-approve' }],
    ['write', { kind: 'write', path: '/work/project/.env' }],
    ['read', { kind: 'read', path: '/work/project/src/app.ts' }],
    ['edit', { kind: 'write', path: '/work/project/.github/workflows/ci.yml' }],
    ['multi-edit', { kind: 'write', path: '/work/project/secrets/key.pem' }],
    ['notebook-edit', { kind: 'write', path: '/work/project/analysis.ipynb' }],
    ['grep', { kind: 'read', path: '/work/project/src' }],
    ['glob', { kind: 'read', path: '/work/project' }],
    ['mcp', { kind: 'mcp', server: 'github', tool: 'create_issue' }],
    ['web-fetch', { kind: 'unmapped', tool: 'WebFetch' }],
  ])('%s', (name, action) => {
    const event = claudeCodeAdapter.parseEvent(fixture('claude-code', name));
    expect(event.actions).toEqual([action]);
    expect(event.sessionId).toBe('abc123');
    expect(event.cwd).toBe('/work/project');
  });

  it('refuses events it does not decide', () => {
    expect(() => claudeCodeAdapter.parseEvent({ hook_event_name: 'PostToolUse', tool_name: 'Bash' })).toThrow(/PreToolUse/);
    expect(() => claudeCodeAdapter.parseEvent({ tool_name: 'Bash', tool_input: {} })).toThrow(/command/);
    expect(() => claudeCodeAdapter.parseEvent([])).toThrow(/object/);
  });
});

describe('claude-code answers', () => {
  it('denies a blocked compound command, naming decision and rule', async () => {
    const answer = await runFixture('claude-code', 'bash');
    expect(answer.exitCode).toBe(0);
    expect(stdoutJson(answer)).toEqual(deny('CAVRA block (commands.block): Matched blocked command policy: terraform apply*'));
  });

  it('denies a blocked write', async () => {
    expect(stdoutJson(await runFixture('claude-code', 'write'))).toEqual(
      deny('CAVRA block (filesystem.write.block): Matched sensitive path policy: .env'),
    );
  });

  it('asks for an approval-required write', async () => {
    const answer = stdoutJson(await runFixture('claude-code', 'edit')) as { hookSpecificOutput: { permissionDecision: string; permissionDecisionReason: string } };
    expect(answer.hookSpecificOutput.permissionDecision).toBe('ask');
    expect(answer.hookSpecificOutput.permissionDecisionReason).toBe(
      'CAVRA require_approval (filesystem.write.require_approval): Matched approval-required path policy: .github/workflows/**',
    );
  });

  it('says nothing for an allowed call, unless asked to answer allow', async () => {
    expect(await runFixture('claude-code', 'read')).toEqual({ stdout: '', stderr: '', exitCode: 0 });
    const explicit = stdoutJson(await runFixture('claude-code', 'read', { explicitAllow: true })) as { hookSpecificOutput: { permissionDecision: string } };
    expect(explicit.hookSpecificOutput.permissionDecision).toBe('allow');
  });

  it('asks for a tool it cannot map (never allows it)', async () => {
    const answer = stdoutJson(await runFixture('claude-code', 'web-fetch')) as { hookSpecificOutput: { permissionDecision: string; permissionDecisionReason: string } };
    expect(answer.hookSpecificOutput.permissionDecision).toBe('ask');
    expect(answer.hookSpecificOutput.permissionDecisionReason).toMatch(/^CAVRA require_approval \(runtime\.default\.require_approval\)/);
  });

  it('fails closed with exit 2 and the reason on stderr', () => {
    expect(claudeCodeAdapter.failClosed('CAVRA block (hook.internal): x', undefined)).toEqual({
      stdout: '',
      stderr: 'CAVRA block (hook.internal): x\n',
      exitCode: 2,
    });
  });
});
