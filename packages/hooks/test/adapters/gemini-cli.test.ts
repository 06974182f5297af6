import { describe, expect, it } from 'vitest';
import { geminiCliAdapter } from '../../src/adapters/gemini-cli.js';
import { fixture, runFixture, stdoutJson } from '../support/fixtures.js';

describe('gemini-cli adapter: documented BeforeTool events', () => {
  it.each([
    ['run-shell-command', { kind: 'command', command: 'ls -la; rm -rf build' }],
    ['write-file', { kind: 'write', path: '/work/project/.env' }],
    ['read-file', { kind: 'read', path: '/work/project/README.md' }],
    ['mcp-tool', { kind: 'mcp', server: 'github', tool: 'create_issue' }],
  ])('%s', (name, action) => {
    const event = geminiCliAdapter.parseEvent(fixture('gemini-cli', name));
    expect(event.actions).toEqual([action]);
    expect(event.sessionId).toBe('gem-session-1');
  });

  it('denies a blocked simple command of a compound one', async () => {
    expect(stdoutJson(await runFixture('gemini-cli', 'run-shell-command'))).toEqual({
      decision: 'deny',
      reason: 'CAVRA block (commands.block): Matched blocked command policy: rm -rf*',
    });
  });

  it('denies what needs approval (no ask in Gemini CLI)', async () => {
    const answer = await runFixture('gemini-cli', 'write-file', { eventText: JSON.stringify({ hook_event_name: 'BeforeTool', tool_name: 'write_file', tool_input: { file_path: '/work/project/.github/workflows/x.yml' } }) });
    expect(stdoutJson(answer)).toMatchObject({ decision: 'deny' });
    expect((stdoutJson(answer) as { reason: string }).reason).toMatch(/^CAVRA require_approval \(filesystem\.write\.require_approval\)/);
  });

  it('lets an allowed call through silently', async () => {
    expect(await runFixture('gemini-cli', 'mcp-tool')).toEqual({ stdout: '', stderr: '', exitCode: 0 });
    expect(stdoutJson(await runFixture('gemini-cli', 'mcp-tool', { explicitAllow: true }))).toMatchObject({ decision: 'allow' });
  });

  it('fails closed with exit 2', () => {
    expect(geminiCliAdapter.failClosed('m', undefined)).toEqual({ stdout: '', stderr: 'm\n', exitCode: 2 });
    expect(() => geminiCliAdapter.parseEvent({ hook_event_name: 'AfterTool', tool_name: 'x' })).toThrow(/BeforeTool/);
  });
});
