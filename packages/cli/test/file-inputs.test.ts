import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain, type MemoryRun } from './support/memory-io.js';

// Files given on the command line are read the way Python reads them, and never hang: FIFOs and
// devices are refused at once (`*_unreadable`), policy files get policy validate's messages.
const dir = mkdtempSync(join(tmpdir(), 'cavra-file-inputs-'));
const fifo = join(dir, 'fifo');
execFileSync('mkfifo', [fifo]);
const zeroLink = join(dir, 'zero-link');
symlinkSync('/dev/zero', zeroLink);
const file = (name: string, content: string): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const REQUEST = '{"action_type": "mcp_tool_call", "server": "github", "tool": "create_issue"}';

const run = (argv: readonly string[], stdin = REQUEST): Promise<MemoryRun> => runMain(argv, stdin, { cwd: dir });
const errorOf = (stderr: string): { code: string; message: string; python?: string } =>
  (JSON.parse(stderr) as { error: { code: string; message: string; python?: string } }).error;

describe('file inputs that never end are refused, not read', { timeout: 30_000 }, () => {
  it.each([
    ['a FIFO', fifo],
    ['/dev/zero', '/dev/zero'],
    ['a symlink to /dev/zero', zeroLink],
  ])('policy validate on %s', async (_name, path) => {
    const result = await run(['policy', 'validate', path]);
    expect(result.code).not.toBe(0);
    expect(errorOf(result.stderr).code).toBe('policy_unreadable');
  });

  it.each([
    ['a FIFO', fifo],
    ['/dev/zero', '/dev/zero'],
  ])('policy compile --overlay on %s', async (_name, path) => {
    const result = await run(['policy', 'compile', '--overlay', path]);
    expect(result.code).not.toBe(0);
    expect(errorOf(result.stderr).code).toBe('policy_unreadable');
  });

  it.each([
    ['a FIFO', fifo],
    ['a symlink to /dev/zero', zeroLink],
  ])('a pack whose policy.yaml is %s', async (_name, target) => {
    const packs = mkdtempSync(join(dir, 'packs-'));
    mkdirSync(join(packs, 'cavra-bad'));
    symlinkSync(target, join(packs, 'cavra-bad', 'policy.yaml'));
    const result = await run(
      ['--policy-dir', packs],
      '{"action_type": "read_file", "target": "x", "policy_pack": "cavra-bad"}',
    );
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(errorOf(result.stderr).code).toBe('policy_unreadable');
  });

  it.each([
    ['--policy', 'policy_unreadable'],
    ['--registry', 'registry_unreadable'],
  ])('%s on a FIFO', async (flag, code) => {
    const result = await run([flag, fifo]);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(errorOf(result.stderr).code).toBe(code);
  });
});

describe('--policy and --registry read as Python reads them', { timeout: 30_000 }, () => {
  it('--policy FILE gets the JSON-Schema message that policy validate prints', async () => {
    const path = file(
      'id-int.json',
      '{"metadata": {"id": 1, "title": "t", "description": "d", "version": "1"}}',
    );
    const result = await run(['--policy', path]);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(errorOf(result.stderr)).toMatchObject({
      code: 'policy_invalid',
      message: expect.stringContaining("metadata.id: 1 is not of type 'string'") as string,
    });
  });

  it.each([
    ['--policy', 'policy_invalid', `{"metadata": ${'['.repeat(3000)}${']'.repeat(3000)}}`],
    ['--registry', 'registry_invalid', `{"mcp_servers": ${'['.repeat(3000)}${']'.repeat(3000)}}`],
  ])('%s nested 3000 deep is %s (exit 2), not internal', async (flag, code, text) => {
    const result = await run([flag, file(`deep${flag}.json`, text)]);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(errorOf(result.stderr)).toMatchObject({
      code,
      message: expect.stringContaining(
        'maximum recursion depth exceeded while decoding a JSON array from a unicode string',
      ) as string,
    });
  });

  it('a registry with an invalid UTF-8 byte is refused (registry_invalid), like a policy file', async () => {
    const path = join(dir, 'latin1-registry.json');
    writeFileSync(
      path,
      Buffer.concat([
        Buffer.from('{"mcp_servers": [{"server_id": "github", "name": "Caf'),
        Buffer.from([0xc9]),
        Buffer.from('", "trust_tier": "trusted"}]}'),
      ]),
    );
    const result = await run(['--registry', path]);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(errorOf(result.stderr)).toMatchObject({
      code: 'registry_invalid',
      message: expect.stringMatching(
        /is not valid UTF-8: 'utf-8' codec can't decode byte 0xc9 in position \d+: invalid continuation byte$/,
      ) as string,
    });
  });

  it.each([
    [
      '--policy',
      'policy_invalid',
      '\uFEFF{"metadata": {"id": "cavra-x", "title": "t", "description": "d", "version": "1"}}',
    ],
    ['--registry', 'registry_invalid', '\uFEFF{"mcp_servers": []}'],
  ])('%s with a BOM is refused as json.loads refuses it', async (flag, code, text) => {
    const result = await run([flag, file(`bom${flag}.json`, text)]);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(errorOf(result.stderr)).toMatchObject({
      code,
      message: expect.stringContaining(
        'Unexpected UTF-8 BOM (decode using utf-8-sig): line 1 column 1 (char 0)',
      ) as string,
    });
  });

  it('an overlay alias bomb is refused with policy_yaml saying why', async () => {
    const lines = ['a0: &a0 ["lol"]'];
    for (let level = 1; level <= 9; level++)
      lines.push(
        `a${level}: &a${level} [${Array(10)
          .fill(`*a${level - 1}`)
          .join(', ')}]`,
      );
    const path = file(
      'bomb.yaml',
      `${lines.join('\n')}\nmetadata: {id: cavra-bomb, title: t, description: d, version: "1"}\n`,
    );
    const result = await run(['policy', 'compile', '--overlay', path]);
    expect(result.code).not.toBe(0);
    expect(errorOf(result.stderr)).toMatchObject({
      code: 'policy_yaml',
      message: expect.stringContaining('billion laughs') as string,
    });
  });
});
