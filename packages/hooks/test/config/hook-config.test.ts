import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  HOOK_AGENTS,
  hookCommand,
  installHookConfig,
  isCavraHookCommand,
  removeHookConfig,
  type HookAgent,
} from '../../src/index.js';

const command = (agent: HookAgent, extra: string[] = []): string =>
  hookCommand({ node: '/usr/bin/node', bin: '/opt/cavra/dist/bin.cjs', agent, hookArgs: ['--project', '/work/my project', ...extra] });

const USER_CLAUDE_SETTINGS = `${JSON.stringify(
  {
    permissions: { allow: ['Bash(npm test)'] },
    hooks: {
      PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: './my-guard.sh' }] }],
      PostToolUse: [{ matcher: 'Write', hooks: [{ type: 'command', command: 'prettier --write' }] }],
    },
  },
  null,
  2,
)}\n`;

describe('hookCommand', () => {
  it('names node and the bin by absolute path and quotes only where needed', () => {
    expect(command('claude-code')).toBe("/usr/bin/node /opt/cavra/dist/bin.cjs hook claude-code --project '/work/my project'");
    expect(isCavraHookCommand(command('claude-code'), 'claude-code')).toBe(true);
    expect(isCavraHookCommand(command('claude-code'), 'codex')).toBe(false);
    expect(isCavraHookCommand('./my-guard.sh', 'claude-code')).toBe(false);
  });
});

type Settings = { permissions?: unknown; hooks: Record<string, { matcher?: string; hooks: { command: string }[] }[]> };

describe('installHookConfig', () => {
  it('adds the hook to Claude Code settings and keeps every user setting and hook', () => {
    const next = JSON.parse(installHookConfig(USER_CLAUDE_SETTINGS, 'claude-code', command('claude-code'))) as Settings;
    expect(next.permissions).toEqual({ allow: ['Bash(npm test)'] });
    expect(next.hooks.PostToolUse).toEqual([{ matcher: 'Write', hooks: [{ type: 'command', command: 'prettier --write' }] }]);
    expect(next.hooks.PreToolUse).toEqual([
      { matcher: 'Bash', hooks: [{ type: 'command', command: './my-guard.sh' }] },
      { matcher: '*', hooks: [{ type: 'command', command: command('claude-code'), timeout: 30 }] },
    ]);
  });

  it('is idempotent for every agent: installing twice changes nothing, byte for byte', () => {
    for (const agent of HOOK_AGENTS) {
      const once = installHookConfig(undefined, agent, command(agent));
      expect(installHookConfig(once, agent, command(agent))).toBe(once);
      expect(once.endsWith('}\n')).toBe(true);
      expect(once).toContain('\n  "');
    }
  });

  it('replaces its own entry in place when the options change', () => {
    const once = installHookConfig(USER_CLAUDE_SETTINGS, 'claude-code', command('claude-code'));
    const changed = JSON.parse(installHookConfig(once, 'claude-code', command('claude-code', ['--policy-pack', 'cavra-x']))) as Settings;
    expect(changed.hooks.PreToolUse).toHaveLength(2);
    expect(changed.hooks.PreToolUse?.[1]?.hooks[0]?.command).toContain('--policy-pack cavra-x');
  });

  it('writes each agent its own shape', () => {
    expect(JSON.parse(installHookConfig(undefined, 'codex', command('codex')))).toEqual({
      hooks: { PreToolUse: [{ hooks: [{ type: 'command', command: command('codex'), timeout: 30 }] }] },
    });
    expect(JSON.parse(installHookConfig(undefined, 'gemini-cli', command('gemini-cli')))).toEqual({
      hooks: { BeforeTool: [{ matcher: '.*', hooks: [{ type: 'command', command: command('gemini-cli'), timeout: 30000 }] }] },
    });
    const cursor = JSON.parse(installHookConfig(undefined, 'cursor', command('cursor'))) as { version: number; hooks: Record<string, unknown> };
    expect(cursor.version).toBe(1);
    expect(Object.keys(cursor.hooks)).toEqual(['beforeShellExecution', 'beforeReadFile', 'beforeMCPExecution', 'preToolUse']);
    expect(JSON.parse(installHookConfig(undefined, 'copilot', command('copilot')))).toEqual({
      version: 1,
      hooks: { preToolUse: [{ type: 'command', bash: command('copilot'), timeoutSec: 30 }] },
    });
  });

  it('refuses a file that is not a JSON object of the expected shape', () => {
    expect(() => installHookConfig('{ "hooks": ', 'claude-code', 'x')).toThrow(/not valid JSON.*left untouched/);
    expect(() => installHookConfig('[]', 'claude-code', 'x')).toThrow(/not a JSON object/);
    expect(() => installHookConfig('{"hooks": []}', 'claude-code', 'x')).toThrow(/"hooks" is not a JSON object/);
    expect(() => installHookConfig('{"hooks": {"PreToolUse": {}}}', 'claude-code', 'x')).toThrow(/not a list/);
  });
});

describe('removeHookConfig', () => {
  it('takes out only its own entries', () => {
    const installed = installHookConfig(USER_CLAUDE_SETTINGS, 'claude-code', command('claude-code'));
    expect(removeHookConfig(installed, 'claude-code')).toBe(USER_CLAUDE_SETTINGS);
  });

  it('leaves a file without its entries exactly as it was', () => {
    expect(removeHookConfig(USER_CLAUDE_SETTINGS, 'claude-code')).toBe(USER_CLAUDE_SETTINGS);
    expect(removeHookConfig(undefined, 'claude-code')).toBeUndefined();
  });

  it('gives back an empty object for a file it created, and nothing for its own Copilot file', () => {
    expect(removeHookConfig(installHookConfig(undefined, 'claude-code', command('claude-code')), 'claude-code')).toBe('{}\n');
    expect(removeHookConfig(installHookConfig(undefined, 'copilot', command('copilot')), 'copilot')).toBeUndefined();
  });

  it('install then remove restores any user settings (property)', () => {
    const userHook = fc.record({ matcher: fc.constantFrom('Bash', 'Write', '*'), hooks: fc.constant([{ type: 'command', command: './guard.sh' }]) });
    const settings = fc.record({
      model: fc.option(fc.constantFrom('opus', 'sonnet'), { nil: undefined }),
      hooks: fc.option(fc.record({ PreToolUse: fc.array(userHook, { maxLength: 3 }) }), { nil: undefined }),
    });
    fc.assert(
      fc.property(settings, (value) => {
        const clean = JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
        const hooks = clean.hooks as { PreToolUse?: unknown[] } | undefined;
        if (hooks?.PreToolUse?.length === 0) delete clean.hooks; // an empty list is not kept by removal
        const text = `${JSON.stringify(clean, null, 2)}\n`;
        const installed = installHookConfig(text, 'claude-code', command('claude-code'));
        expect(installHookConfig(installed, 'claude-code', command('claude-code'))).toBe(installed);
        expect(removeHookConfig(installed, 'claude-code')).toBe(text);
      }),
    );
  });
});
