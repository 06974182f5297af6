import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPolicyJsonFile, loadPolicyYamlFile } from '../../src/load/policy-file.js';
import { checkPolicy } from '../../src/validate/check-policy.js';
import { fromPlainJson } from '../../src/python/json-parse.js';

const dir = mkdtempSync(join(tmpdir(), 'cavra-policy-file-'));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const metadata = { id: 'cavra-x', title: 'X', description: 'D', version: '1' };

describe('policy loaders', () => {
  it('returns the document exactly as stored (order, int vs float kept)', () => {
    const path = file('ok.json', JSON.stringify({ metadata, commands: { allow: ['b*', 'a*'] }, evidence: { n: 1.5 } }).replace('1.5', '1.0'));
    const policy = loadPolicyJsonFile(path);
    expect((policy.get('commands') as Map<string, unknown>).get('allow')).toEqual(['b*', 'a*']);
    expect((policy.get('evidence') as Map<string, unknown>).get('n')).toBe(1);
    expect(typeof (policy.get('evidence') as Map<string, unknown>).get('n')).toBe('number');
  });

  it('lists every schema problem with its dot path and jsonschema\'s message, in policy validate\'s order', () => {
    const bad = { metadata: { id: 'Nope', title: '' }, filesystem: { block_read: ['a', 'a', 3], extra: [] }, mcp: { block_unknown_servers: 'yes' } };
    expect(() => checkPolicy(fromPlainJson(bad))).toThrowError(
      expect.objectContaining({
        code: 'policy_invalid',
        issues: [
          { path: 'filesystem', message: "Additional properties are not allowed ('extra' was unexpected)" },
          { path: 'filesystem.block_read', message: "['a', 'a', 3] has non-unique elements" },
          { path: 'filesystem.block_read.2', message: "3 is not of type 'string'" },
          { path: 'mcp.block_unknown_servers', message: "'yes' is not of type 'boolean'" },
          { path: 'metadata', message: "'description' is a required property" },
          { path: 'metadata', message: "'version' is a required property" },
          { path: 'metadata.id', message: "'Nope' does not match '^cavra-[a-z0-9-]+$'" },
          { path: 'metadata.title', message: "'' should be non-empty" },
        ],
      }) as Error,
    );
  });

  it('--policy FILE gets the messages of policy validate (not zod\'s "Invalid input")', () => {
    const path = file('id-int.json', JSON.stringify({ metadata: { ...metadata, id: 1 } }));
    expect(() => loadPolicyJsonFile(path)).toThrowError(
      expect.objectContaining({
        code: 'policy_invalid',
        message: `policy file ${path} does not match the policy schema: metadata.id: 1 is not of type 'string'`,
        issues: [{ path: 'metadata.id', message: "1 is not of type 'string'" }],
      }) as Error,
    );
  });

  it('reads YAML as PyYAML does before checking it', () => {
    const path = file('p.yaml', 'metadata: {id: cavra-x, title: X, description: D, version: "1"}\ncommands:\n  allow: [yes]\n');
    expect(() => loadPolicyYamlFile(path)).toThrowError(expect.objectContaining({ code: 'policy_invalid' }) as Error);
    const good = file('g.yaml', 'metadata: {id: cavra-x, title: X, description: D, version: "1"}\ncommands:\n  allow: ["yes"]\n');
    expect(loadPolicyYamlFile(good).get('commands')).toEqual(new Map([['allow', ['yes']]]));
  });

  it.each([
    ['missing.json', 'policy_unreadable'],
    ['broken.json', 'policy_invalid'],
  ])('fails clearly for %s', (name, code) => {
    if (name === 'broken.json') file(name, '{"metadata": ');
    expect(() => loadPolicyJsonFile(join(dir, name))).toThrowError(expect.objectContaining({ code }) as Error);
  });
});
