import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ORACLE_DIR } from './support/corpus.js';
import { runMain } from './support/memory-io.js';

const dir = mkdtempSync(join(tmpdir(), 'cavra-bad-input-'));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

interface ErrorLine {
  error: { code: string; message: string; issues?: { path: string; message: string }[] };
}

/** Every bad input fails closed: exit 2, one JSON error object on stderr, nothing on stdout, no stack trace. */
async function expectRejected(
  args: string[],
  input: string | Buffer | NodeJS.ReadableStream,
  code: string,
  options: { env?: Record<string, string | undefined>; cwd?: string } = {},
): Promise<ErrorLine> {
  const result = await runMain(args, input, options);
  expect(result.stdout).toBe('');
  expect(result.code).toBe(2);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
  const parsed = JSON.parse(result.stderr) as ErrorLine;
  expect(parsed.error.code).toBe(code);
  expect(parsed.error.message).toEqual(expect.any(String));
  return parsed;
}

describe('bad input fails closed with a clear error and exit 2 (in-process)', () => {
  it.each([
    ['not JSON', 'nope', 'invalid_json'],
    ['empty input', '', 'invalid_json'],
    ['a JSON array', '[1]', 'invalid_request'],
    ['a JSON string', '"read_file"', 'invalid_request'],
    ['missing action_type', '{"target": ".env"}', 'invalid_request'],
    ['a non-string field', '{"action_type": "read_file", "target": 5}', 'invalid_request'],
    ['a null field', '{"action_type": "read_file", "target": null}', 'invalid_request'],
    ['a file action without target', '{"action_type": "write_file"}', 'invalid_request'],
    ['an MCP call without tool', '{"action_type": "mcp_tool_call", "server": "github"}', 'invalid_request'],
    ['an unknown pack', '{"action_type": "read_file", "target": "x", "policy_pack": "cavra-nope"}', 'pack_not_found'],
  ])('%s', async (_name, input, code) => {
    await expectRejected([], input, code);
  });

  it('lists every problem with its path', async () => {
    const { error } = await expectRejected([], '{"action_type": 1, "target": [], "session_id": false}', 'invalid_request');
    expect(error.issues?.map((issue) => issue.path).sort()).toEqual(['action_type', 'session_id', 'target']);
  });

  it('rejects a request over 1 MiB', async () => {
    const big = JSON.stringify({ action_type: 'read_file', target: 'x'.repeat(1024 * 1024) });
    await expectRejected([], big, 'request_too_large');
  });

  it('rejects invalid UTF-8', async () => {
    const result = await runMain([], Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]));
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stderr)).toMatchObject({ error: { code: 'invalid_json' } });
  });

  it.each([
    [['--bogus'], 'usage'],
    [['--policy'], 'usage'],
    [['stray'], 'usage'],
    [['--batch=yes'], 'usage'],
    [['--input', join(dir, 'missing.json')], 'input_unreadable'],
    [['--policy', join(dir, 'missing.json')], 'policy_unreadable'],
    [['--policy-dir', join(dir, 'missing-dir')], 'policy_unreadable'],
    [['--registry', join(dir, 'missing.json')], 'registry_unreadable'],
  ])('%j', async (args, code) => {
    await expectRejected(args, '{"action_type": "read_file", "target": "x"}', code);
  });

  it('rejects a policy file that is not JSON or not schema-valid, listing the problems', async () => {
    await expectRejected(['--policy', file('broken.json', '{')], '{}', 'policy_invalid');
    const { error } = await expectRejected(
      ['--policy', file('invalid.json', JSON.stringify({ metadata: { id: 'Bad' }, filesystem: { block_read: [1], extra: [] } }))],
      '{"action_type": "read_file", "target": "x"}',
      'policy_invalid',
    );
    const paths = error.issues?.map((issue) => issue.path) ?? [];
    // policy validate's paths: a missing required key is reported at its parent (jsonschema).
    expect(paths).toEqual(expect.arrayContaining(['metadata.id', 'metadata', 'filesystem.block_read.0', 'filesystem']));
    expect(error.issues).toContainEqual({ path: 'filesystem.block_read.0', message: "1 is not of type 'string'" });
  });

  it('rejects an invalid trust registry', async () => {
    const { error } = await expectRejected(
      ['--registry', file('registry.json', JSON.stringify({ mcp_servers: [{ server_id: 'a', trust_tier: 'Approved' }] }))],
      '{"action_type": "read_file", "target": "x"}',
      'registry_invalid',
    );
    expect(error.message).toBe('MCP trust_tier must be one of: approved, blocked, experimental, trusted, unknown');
    expect(error.issues).toEqual([{ path: 'mcp_servers.0.trust_tier', message: error.message }]);
    await expectRejected(['--registry', file('registry-null.json', '{"mcp_servers": null}')], '{}', 'registry_invalid');
  });

  it('rejects a pack whose filesystem section is not a mapping', async () => {
    const packs = join(dir, 'packs');
    file('packs-placeholder', '');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(packs, 'cavra-broken'), { recursive: true });
    writeFileSync(join(packs, 'cavra-broken', 'policy.yaml'), 'metadata:\n  id: cavra-broken\nfilesystem:\n');
    const { error } = await expectRejected(
      ['--policy-dir', packs],
      '{"action_type": "git_operation", "target": "x", "policy_pack": "cavra-broken"}',
      'policy_invalid',
    );
    expect(error.message).toContain('filesystem');
  });
});

describe('good input (in-process)', () => {
  it('prints one decision, 2-space indented, exit 0', async () => {
    const result = await runMain(['--input', file('request.json', '{"action_type": "read_file", "target": "./.env"}')]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^\{\n {2}"decision_id": "dec_[0-9a-f]{12}",\n/);
    expect(JSON.parse(result.stdout)).toMatchObject({ decision: 'block', target: '.env', rule_id: 'filesystem.read.block' });
  });

  it('uses a compiled policy file, labelled by its metadata.id', async () => {
    const result = await runMain(['--policy', `${ORACLE_DIR}go-testdata/compiled_policy.json`], '{"action_type": "read_file", "target": "a/b.secret"}');
    expect(JSON.parse(result.stdout)).toMatchObject({
      decision: 'block',
      policy_pack: 'cavra-go-compiled-fixture',
      reason: 'Matched sensitive path policy: **/*.secret',
    });
  });

  it('answers every batch line in order, errors in place, and never drops the last unterminated line', async () => {
    const input = ['{"action_type": "read_file", "target": ".env"}', '', '{', '{"action_type": "git_operation"}'].join('\n');
    const result = await runMain(['--batch'], input);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatchObject({ decision: 'block' });
    expect(lines[1]).toMatchObject({ error: { code: 'invalid_request', message: 'empty request line' } });
    expect(lines[2]).toMatchObject({ error: { code: 'invalid_json' } });
    expect(lines[3]).toMatchObject({ decision: 'allow', target: 'push', requested_operation: 'push' });
  });

  it('answers an over-long batch line with an error and goes on', async () => {
    const long = JSON.stringify({ action_type: 'read_file', target: 'y'.repeat(1100 * 1024) });
    const result = await runMain(['--batch'], `${long}\n{"action_type": "read_file", "target": ".env"}\n`);
    const lines = result.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ error: { code: 'request_too_large' } });
    expect(lines[1]).toMatchObject({ decision: 'block' });
  });

  it('prints --version and --help', async () => {
    expect((await runMain(['--version'])).stdout).toMatch(/^cavra-runtime \d+\.\d+\.\d+\n$/);
    const help = await runMain(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Exit status');
  });
});
