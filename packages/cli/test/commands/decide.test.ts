import { spawn, spawnSync } from 'node:child_process';
import { createReadStream, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { MAX_REQUEST_BYTES } from '../../src/commands/decide.js';
import { runMain } from '../support/memory-io.js';

const dir = mkdtempSync(join(tmpdir(), 'cavra-decide-'));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const errorOf = (stderr: string): { code: string; message: string } =>
  (JSON.parse(stderr) as { error: { code: string; message: string } }).error;
const READ_ENV = '{"action_type": "read_file", "target": ".env"}';
const MCP_CALL = '{"action_type": "mcp_tool_call", "server": "github-mcp", "tool": "create_issue"}';

/** A pack folder whose policy reads `.env` freely: what an agent could write for itself. */
function allowAllPack(root: string, id: string): string {
  const folder = join(root, id);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'policy.yaml'), `metadata:\n  id: ${id}\n  title: Allow all\nfilesystem:\n  block_read: []\n`);
  return folder;
}

describe('--registry documents that are not objects', () => {
  it.each(['null', '[]', 'false', '0', '""'])('refuses %s (registry_invalid, exit 2) instead of deciding by the pack', async (text) => {
    const result = await runMain(['--registry', file(`registry-${text.length}-${text.charCodeAt(0)}.json`, text)], MCP_CALL);
    expect(result.stdout).toBe('');
    expect(result.code).toBe(2);
    expect(errorOf(result.stderr).code).toBe('registry_invalid');
  });

  it('takes {} as registry mode with no servers: the MCP server is unknown', async () => {
    const result = await runMain(['--registry', file('registry-empty.json', '{}')], MCP_CALL);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ rule_id: 'mcp.registry.unknown' });
  });
});

describe('pack ids are plain names unless --allow-pack-paths', () => {
  const packs = join(dir, 'packs');
  mkdirSync(packs, { recursive: true });
  const evil = allowAllPack(join(dir, 'agent-wrote-this'), 'evil');
  const ids = [evil, `/${evil}`, relative(packs, evil)];
  const request = (id: string): string => JSON.stringify({ action_type: 'read_file', target: '.env', policy_pack: id });

  it.each(ids)('refuses %j with --policy-dir (pack_not_found, exit 2)', async (id) => {
    const result = await runMain(['--policy-dir', packs], request(id));
    expect(result.stdout).toBe('');
    expect(result.code).toBe(2);
    expect(errorOf(result.stderr).code).toBe('pack_not_found');
  });

  it.each(ids)('refuses %j with CAVRA_POLICY_DIR too', async (id) => {
    const result = await runMain([], request(id), { env: { CAVRA_POLICY_DIR: packs } });
    expect(result.code).toBe(2);
    expect(errorOf(result.stderr).code).toBe('pack_not_found');
  });

  it('keeps Python\'s path join with --allow-pack-paths', async () => {
    for (const id of ids) {
      const result = await runMain(['--policy-dir', packs, '--allow-pack-paths'], request(id));
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ decision: 'allow', policy_pack: id });
    }
  });
});

describe('--policy-pack pins the pack', () => {
  it('decides an unlabelled request with the pinned pack, labelled with it', async () => {
    const result = await runMain(['--policy-pack', 'cavra-hipaa'], READ_ENV);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ policy_pack: 'cavra-hipaa', policy_id: 'cavra-hipaa' });
    const same = await runMain(['--policy-pack', 'cavra-hipaa'], JSON.stringify({ ...JSON.parse(READ_ENV), policy_pack: 'cavra-hipaa' }));
    expect(same.code).toBe(0);
  });

  it('refuses a request naming another pack (pack_not_allowed, exit 2)', async () => {
    const result = await runMain(['--policy-pack', 'cavra-hipaa'], JSON.stringify({ ...JSON.parse(READ_ENV), policy_pack: 'cavra-ai-agent-baseline' }));
    expect(result.stdout).toBe('');
    expect(result.code).toBe(2);
    expect(errorOf(result.stderr).code).toBe('pack_not_allowed');
  });

  it('fails before reading input for an unknown or path-like pin', async () => {
    for (const pin of ['cavra-nope', '../cavra-hipaa']) {
      const result = await runMain(['--policy-pack', pin], READ_ENV);
      expect(result.code).toBe(2);
      expect(errorOf(result.stderr).code).toBe('pack_not_found');
    }
  });

  it('answers pack_not_allowed in place in --batch mode', async () => {
    const lines = [READ_ENV, JSON.stringify({ ...JSON.parse(READ_ENV), policy_pack: 'cavra-hipaa' })].join('\n');
    const result = await runMain(['--batch', '--policy-pack', 'cavra-ai-agent-baseline'], lines);
    const answers = result.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(answers[0]).toMatchObject({ decision: 'block', policy_pack: 'cavra-ai-agent-baseline' });
    expect(answers[1]).toMatchObject({ error: { code: 'pack_not_allowed' } });
  });
});

describe('an empty --policy-dir never means the working directory', () => {
  // The working directory holds a baseline pack that allows everything.
  const cwd = join(dir, 'cwd');
  allowAllPack(cwd, 'cavra-ai-agent-baseline');

  it.each([[['--policy-dir=']], [['--policy-dir', '']], [['-policy-dir=']]])('%j is a usage error', async (args) => {
    const result = await runMain(args, READ_ENV, { cwd });
    expect(result.stdout).toBe('');
    expect(result.code).toBe(2);
    expect(errorOf(result.stderr).code).toBe('usage');
  });

  it('CAVRA_POLICY_DIR="" counts as unset (as in Python): the bundled packs decide', async () => {
    const result = await runMain([], READ_ENV, { cwd, env: { CAVRA_POLICY_DIR: '' } });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ decision: 'block' });
  });
});

/** A single request of exactly `bytes` bytes. */
function requestOfSize(bytes: number): string {
  const shell = JSON.stringify({ action_type: 'read_file', target: '' });
  return JSON.stringify({ action_type: 'read_file', target: 'x'.repeat(bytes - shell.length) });
}

describe('single-request size limit', () => {
  it('does not count a trailing newline or CRLF', async () => {
    const exact = requestOfSize(MAX_REQUEST_BYTES);
    expect(Buffer.byteLength(exact)).toBe(MAX_REQUEST_BYTES);
    for (const ending of ['', '\n', '\r\n']) {
      const result = await runMain([], exact + ending);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
    }
  });

  it.each([
    ['one byte over', `${requestOfSize(MAX_REQUEST_BYTES + 1)}\n`],
    ['two newlines', `${requestOfSize(MAX_REQUEST_BYTES)}\n\n`],
    ['over, with CRLF', `${requestOfSize(MAX_REQUEST_BYTES + 1)}\r\n`],
  ])('refuses %s', async (_name, input) => {
    const result = await runMain([], input);
    expect(result.code).toBe(2);
    expect(errorOf(result.stderr).code).toBe('request_too_large');
  });

  it('stops reading an endless stdin after the limit (bounded, no hang)', async () => {
    let pulled = 0;
    const chunk = Buffer.alloc(64 * 1024);
    const endless = new Readable({
      read() {
        pulled += chunk.length;
        this.push(chunk);
      },
    });
    const result = await runMain([], endless);
    expect(errorOf(result.stderr).code).toBe('request_too_large');
    expect(pulled).toBeLessThan(MAX_REQUEST_BYTES + 4 * chunk.length); // a few chunks of read-ahead at most
    expect(endless.destroyed).toBe(true);
  });

  it('answers request_too_large for --input /dev/zero and for /dev/zero on stdin', async () => {
    const viaFlag = await runMain(['--input', '/dev/zero'], '');
    expect(viaFlag.code).toBe(2);
    expect(errorOf(viaFlag.stderr).code).toBe('request_too_large');
    const viaStdin = await runMain([], createReadStream('/dev/zero'));
    expect(errorOf(viaStdin.stderr).code).toBe('request_too_large');
  });

  it('answers request_too_large for an endless FIFO given as --input', async () => {
    const fifo = join(dir, 'endless.fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const writer = spawn('sh', ['-c', `exec cat /dev/zero > '${fifo}'`], { stdio: 'ignore' });
    try {
      const result = await runMain(['--input', fifo], '');
      expect(errorOf(result.stderr).code).toBe('request_too_large');
    } finally {
      writer.kill();
    }
  });

  it('still refuses a directory as --input', async () => {
    const result = await runMain(['--input', dir], '');
    expect(result.code).toBe(2);
    const error = errorOf(result.stderr);
    expect(error.code).toBe('input_unreadable');
    expect(error.message).toContain('is a directory');
  });
});
