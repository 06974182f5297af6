import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyEvidenceLogFile } from '@cavra/evidence';
import { runMain, type MemoryRun } from '../support/memory-io.js';
import { runCli } from '../support/run-cli.js';

const POLICY = fileURLToPath(new URL('../../../hooks/test/fixtures/policy/hook-test-policy.json', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'cavra-hook-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface LogRecord {
  kind: string;
  sequence: number;
  request: { target: string };
  decision: { decision: string; decision_id: string };
}

const recordsOf = (log: string): LogRecord[] =>
  readFileSync(log, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as LogRecord);

const hook = (argv: string[], stdin: NodeJS.ReadableStream | string): Promise<MemoryRun> =>
  hookMain(['hook', ...argv], stdin);

const hookMain = (argv: string[], stdin: NodeJS.ReadableStream | string = ''): Promise<MemoryRun> => runMain(argv, stdin, { cwd: dir });

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

  it('records every decision in the hash-chained --evidence-log', async () => {
    const log = join(dir, 'evidence.jsonl');
    await hook(['claude-code', '--policy', POLICY, '--evidence-log', log], event('Bash', { command: 'echo a; echo b' }));
    await hook(['claude-code', '--policy', POLICY, '--evidence-log', log], event('Bash', { command: 'terraform apply' }));
    const records = recordsOf(log);
    expect(records.map((record) => record.request.target)).toEqual(['echo a; echo b', 'echo a', 'echo b', 'terraform apply']);
    expect(records.map((record) => record.decision.decision)).toEqual(['allow', 'allow', 'allow', 'block']);
    expect(records.map((record) => record.sequence)).toEqual([1, 2, 3, 4]);
    expect(records.every((record) => record.kind === 'decision' && /^dec_/.test(record.decision.decision_id))).toBe(true);
    expect(verifyEvidenceLogFile(log)).toMatchObject({ ok: true, records: 4 });
    expect(existsSync(`${log}.lock`)).toBe(false);
    const verified = await hookMain(['evidence', 'verify-log', log]);
    expect(verified.code).toBe(0);
  });

  it('signs the hook records with the decide path flags (--evidence-hmac-key)', async () => {
    const log = join(dir, 'signed.jsonl');
    const key = join(dir, 'hmac.key');
    writeFileSync(key, 'a'.repeat(64), { mode: 0o600 });
    const result = await hook(['claude-code', '--policy', POLICY, '--evidence-log', log, '--evidence-hmac-key', key, '--evidence-fsync', 'always'], event('Read', { file_path: '/work/project/README.md' }));
    expect(result).toEqual({ code: 0, stdout: '', stderr: '' });
    const verified = await hookMain(['evidence', 'verify-log', log, '--hmac-key', key]);
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, records: 1, signed_records: 1, signatures: 'verified' });
  });

  it('blocks, never allows, when the log cannot be written: locked past the wait, torn, bad log options', async () => {
    const locked = join(dir, 'locked.jsonl');
    // A live process that is not this hook (the test runner's parent) holds the lock.
    writeFileSync(`${locked}.lock`, `${process.ppid}\n`);
    const started = performance.now();
    const waited = await hook(['claude-code', '--policy', POLICY, '--evidence-log', locked, '--timeout-ms', '300'], event('Read', { file_path: '/work/project/README.md' }));
    expect(performance.now() - started).toBeGreaterThanOrEqual(250);
    expect(waited.code).toBe(2);
    expect(waited.stdout).toBe('');
    // The wait for the lock ends at the hook's deadline (300 ms here, not the 2000 ms lock wait).
    expect(waited.stderr).toMatch(/^CAVRA block \(hook\.evidence_log_locked\): /);
    expect(existsSync(locked)).toBe(false);

    const torn = join(dir, 'torn.jsonl');
    await hook(['claude-code', '--policy', POLICY, '--evidence-log', torn], event('Read', { file_path: '/work/project/a' }));
    appendFileSync(torn, '{"kind":"deci');
    const refused = await hook(['codex', '--policy', POLICY, '--evidence-log', torn], event('Read', { file_path: '/work/project/a' }));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^CAVRA block \(hook\.evidence_log_torn\): /);
    const recovered = await hook(['claude-code', '--policy', POLICY, '--evidence-log', torn, '--evidence-recover-torn'], event('Read', { file_path: '/work/project/a' }));
    expect(recovered).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(recordsOf(torn).map((record) => record.kind)).toEqual(['decision', 'log_recovered', 'decision']);

    const withoutLog = await hook(['claude-code', '--policy', POLICY, '--evidence-fsync', 'always'], event('Read', { file_path: '/work/project/a' }));
    expect(withoutLog.code).toBe(2);
    expect(withoutLog.stderr).toMatch(/^CAVRA block \(hook\.usage\): /);
    const badPolicy = await hook(['claude-code', '--policy', POLICY, '--evidence-log', join(dir, 'x.jsonl'), '--evidence-fsync', 'sometimes'], event('Read', { file_path: '/work/project/a' }));
    expect(badPolicy.code).toBe(2);
    expect(badPolicy.stderr).toMatch(/^CAVRA block \(hook\.usage\): /);
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

  it('runs as parallel real processes against one log: every record present, verify-log passes', async () => {
    const log = join(dir, 'parallel.jsonl');
    const count = 6;
    const results = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        runCli(['hook', 'claude-code', '--policy', POLICY, '--evidence-log', log], event('Read', { file_path: `/work/project/file-${i}.txt` })),
      ),
    );
    expect(results).toEqual(Array.from({ length: count }, () => ({ code: 0, stdout: '', stderr: '' })));
    expect(recordsOf(log).map((record) => record.request.target).sort()).toEqual(Array.from({ length: count }, (_, i) => `file-${i}.txt`).sort());
    const verified = await runCli(['evidence', 'verify-log', log]);
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, records: count });
  }, 90_000);
});
