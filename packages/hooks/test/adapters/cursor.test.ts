import { describe, expect, it } from 'vitest';
import { cursorAdapter } from '../../src/adapters/cursor.js';
import { fixture, runFixture, stdoutJson } from '../support/fixtures.js';

describe('cursor adapter: documented hook events', () => {
  it.each([
    ['before-shell-execution', 'beforeShellExecution', { kind: 'command', command: 'cat README.md | grep x' }],
    ['before-read-file', 'beforeReadFile', { kind: 'read', path: '/work/project/.env' }],
    ['before-mcp-execution', 'beforeMCPExecution', { kind: 'mcp', server: 'npx evil-mcp', tool: 'query' }],
    ['pre-tool-use', 'preToolUse', { kind: 'write', path: '/work/project/src/new.ts' }],
  ])('%s', (name, form, action) => {
    const event = cursorAdapter.parseEvent(fixture('cursor', name));
    expect(event.actions).toEqual([action]);
    expect(event.form).toBe(form);
    expect(event.sessionId).toBe('conv-123');
    expect(event.projectRoot).toBe('/work/project');
  });

  it('asks for a shell command that needs approval (grep is not allowed)', async () => {
    expect(stdoutJson(await runFixture('cursor', 'before-shell-execution'))).toEqual({
      permission: 'ask',
      user_message: 'CAVRA require_approval (commands.default.require_approval): No allow rule matched; review required.',
      agent_message: 'CAVRA require_approval (commands.default.require_approval): No allow rule matched; review required.',
    });
  });

  it('denies a blocked read with the permission-only form', async () => {
    expect(stdoutJson(await runFixture('cursor', 'before-read-file'))).toEqual({ permission: 'deny' });
  });

  it('denies an untrusted MCP server', async () => {
    expect(stdoutJson(await runFixture('cursor', 'before-mcp-execution'))).toMatchObject({ permission: 'deny' });
  });

  it('answers preToolUse with decision', async () => {
    expect(await runFixture('cursor', 'pre-tool-use')).toEqual({ stdout: '', stderr: '', exitCode: 0 });
    expect(stdoutJson(await runFixture('cursor', 'pre-tool-use', { explicitAllow: true }))).toEqual({ decision: 'allow' });
  });

  it('fails closed with a deny and exit 2', () => {
    const answer = cursorAdapter.failClosed('m', 'beforeShellExecution');
    expect(answer.exitCode).toBe(2);
    expect(JSON.parse(answer.stdout)).toEqual({ permission: 'deny', user_message: 'm', agent_message: 'm' });
    expect(() => cursorAdapter.parseEvent({ hook_event_name: 'afterFileEdit' })).toThrow(/not decided/);
  });
});
