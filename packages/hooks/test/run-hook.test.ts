import { describe, expect, it } from 'vitest';
import { CavraError } from '@cavra/policy-model';
import type { EvidenceEntry, EvidenceSink } from '@cavra/evidence';
import { failureMessage, runHook, type HookRunOptions } from '../src/index.js';
import { testPolicyEngine } from './support/fixtures.js';

/** An in-memory evidence sink (a test double for the log file). */
function recordingSink(): EvidenceSink & { entries: EvidenceEntry[] } {
  const entries: EvidenceEntry[] = [];
  return {
    entries,
    append(entry) {
      entries.push(entry);
      return `memory#${entries.length}`;
    },
    flush: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
}

const claudeEvent = (tool: string, input: Record<string, unknown>): string =>
  JSON.stringify({ session_id: 'sess-1', cwd: '/work/project', hook_event_name: 'PreToolUse', tool_name: tool, tool_input: input });

function hook(eventText: string, options: Partial<HookRunOptions> = {}) {
  return runHook({ agent: 'claude-code', eventText, loadEngine: testPolicyEngine, cwd: '/work/project', projectRoot: '/work/project', ...options });
}

const reasonOf = (stdout: string): string =>
  (JSON.parse(stdout) as { hookSpecificOutput: { permissionDecisionReason: string } }).hookSpecificOutput.permissionDecisionReason;

describe('runHook: strictest decision wins', () => {
  it('blocks when one simple command is blocked even though the whole string is allowed', async () => {
    // "echo *" allows the whole string (Python's view); the second simple command is blocked.
    const answer = await hook(claudeEvent('Bash', { command: 'echo hi; rm -rf /' }));
    expect(reasonOf(answer.stdout)).toBe('CAVRA block (commands.block): Matched blocked command policy: rm -rf*');
  });

  it('block beats require_approval beats allow, whatever the order', async () => {
    const answer = await hook(claudeEvent('Bash', { command: 'make x && echo y && terraform apply' }));
    expect(reasonOf(answer.stdout)).toMatch(/^CAVRA block \(commands\.block\)/);
  });

  it('decides a git push on its destination branch as well as on the command', async () => {
    // "git push*" is an allowed command in the test policy; the push to main is not.
    const answer = await hook(claudeEvent('Bash', { command: 'git push origin +HEAD:refs/heads/main' }));
    expect(reasonOf(answer.stdout)).toBe('CAVRA block (git.protected_branch.block_direct_push): Direct push to protected branch is prohibited.');
  });

  it('pushes the current branch when no refspec is given', async () => {
    const main = await hook(claudeEvent('Bash', { command: 'git push' }), { currentBranch: () => 'main' });
    expect(reasonOf(main.stdout)).toMatch(/block_direct_push/);
    const feature = await hook(claudeEvent('Bash', { command: 'git push' }), { currentBranch: () => 'agent/x' });
    expect(feature.stdout).toBe('');
  });

  it('never allows a command it could not parse', async () => {
    const answer = await hook(claudeEvent('Bash', { command: "echo 'unterminated" }));
    expect(reasonOf(answer.stdout)).toMatch(/^CAVRA require_approval \(hook\.command\.unparsed\)/);
  });

  it('decides a path through each of its views (relative as given, collapsed, canonical)', async () => {
    const viaDotDot = await hook(claudeEvent('Write', { file_path: 'src/../.env', content: '' }));
    expect(reasonOf(viaDotDot.stdout)).toBe('CAVRA block (filesystem.write.block): Matched sensitive path policy: .env');
    const viaLink = await hook(claudeEvent('Write', { file_path: '/work/project/innocent.txt', content: '' }), {
      realpath: (path) => (path === '/work/project/innocent.txt' ? '/work/project/.env' : path),
    });
    expect(reasonOf(viaLink.stdout)).toBe('CAVRA block (filesystem.write.block): Matched sensitive path policy: .env');
  });

  it('sets session, agent and pack on every request and records each decision', async () => {
    const sink = recordingSink();
    await hook(claudeEvent('Bash', { command: 'echo a && echo b' }), { evidenceSink: sink, policyPack: 'cavra-hook-test' });
    expect(sink.entries.length).toBe(3);
    for (const entry of sink.entries) {
      expect(entry.request).toMatchObject({ action_type: 'execute_command', session_id: 'sess-1', agent_id: 'claude-code', policy_pack: 'cavra-hook-test' });
      expect(entry.decision).toMatchObject({ session_id: 'sess-1', agent_id: 'claude-code', decision: 'allow' });
    }
    expect(sink.entries.map((entry) => (entry.request as { target: string }).target)).toEqual(['echo a && echo b', 'echo a', 'echo b']);
  });
});

describe('runHook: fail closed', () => {
  it('blocks when the policy cannot be loaded', async () => {
    const answer = await hook(claudeEvent('Read', { file_path: '/work/project/a' }), {
      loadEngine: () => {
        throw new CavraError('policy_invalid', 'policy file is not valid JSON');
      },
    });
    expect(answer).toEqual({ stdout: '', stderr: 'CAVRA block (hook.policy_invalid): policy file is not valid JSON\n', exitCode: 2 });
  });

  it('blocks on an internal fault, without a stack trace', async () => {
    const answer = await hook(claudeEvent('Read', { file_path: '/work/project/a' }), {
      loadEngine: () => {
        throw new TypeError('boom');
      },
    });
    expect(answer.stderr).toBe('CAVRA block (hook.internal): internal fault: TypeError: boom\n');
    expect(answer.exitCode).toBe(2);
  });

  it('blocks bad JSON, a non-object, and an unknown tool shape', async () => {
    expect((await hook('{nope')).stderr).toMatch(/^CAVRA block \(hook\.invalid_json\)/);
    expect((await hook('[]')).stderr).toMatch(/^CAVRA block \(hook\.hook_event_invalid\)/);
    expect((await hook(claudeEvent('Write', { content: 'no path' }))).stderr).toMatch(/file_path is required/);
  });

  it('blocks when the evidence cannot be written', async () => {
    const failing: EvidenceSink = {
      append() {
        throw new CavraError('internal', 'disk full');
      },
      flush: () => Promise.resolve(),
      close: () => Promise.resolve(),
    };
    const answer = await hook(claudeEvent('Read', { file_path: '/work/project/a' }), { evidenceSink: failing });
    expect(answer).toMatchObject({ exitCode: 2, stderr: 'CAVRA block (hook.internal): disk full\n' });
  });

  it('blocks a request the engine rejects (an unknown policy pack)', async () => {
    const { createDecisionEngine } = await import('@cavra/engine');
    const answer = await hook(claudeEvent('Read', { file_path: '/work/project/a' }), { loadEngine: () => createDecisionEngine(), policyPack: 'cavra-no-such-pack' });
    expect(answer.stderr).toMatch(/^CAVRA block \(hook\.pack_not_found\)/);
  });

  it('names the error code as the rule id', () => {
    expect(failureMessage(new CavraError('hook_timeout', 'no decision within 5 ms'))).toBe('CAVRA block (hook.hook_timeout): no decision within 5 ms');
  });
});
