import { describe, expect, it } from 'vitest';
import { copilotAdapter } from '../../src/adapters/copilot.js';
import { fixture, runFixture, stdoutJson } from '../support/fixtures.js';

describe('copilot adapter: documented preToolUse events', () => {
  it.each([
    ['bash', { kind: 'command', command: 'terraform apply' }],
    ['create', { kind: 'write', path: '/work/project/src/a.ts' }],
    ['view', { kind: 'read', path: '/work/project/.env' }],
  ])('%s', (name, action) => {
    expect(copilotAdapter.parseEvent(fixture('copilot', name)).actions).toEqual([action]);
  });

  it('denies with permissionDecision', async () => {
    expect(stdoutJson(await runFixture('copilot', 'bash'))).toEqual({
      permissionDecision: 'deny',
      permissionDecisionReason: 'CAVRA block (commands.block): Matched blocked command policy: terraform apply*',
    });
    expect(stdoutJson(await runFixture('copilot', 'view'))).toMatchObject({ permissionDecision: 'deny' });
  });

  it('is silent on allow', async () => {
    expect(await runFixture('copilot', 'create')).toEqual({ stdout: '', stderr: '', exitCode: 0 });
  });

  it('fails closed with its JSON deny', () => {
    expect(JSON.parse(copilotAdapter.failClosed('m', undefined).stdout)).toEqual({ permissionDecision: 'deny', permissionDecisionReason: 'm' });
    expect(() => copilotAdapter.parseEvent({ toolName: 'bash', toolArgs: '{not json' })).toThrow(/toolArgs/);
  });
});
