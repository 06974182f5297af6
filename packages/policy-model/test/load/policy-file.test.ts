import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPolicy, loadPolicyJsonFile, loadPolicyYamlFile } from '../../src/load/policy-file.js';
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

  it('lists every schema problem with its dot path', () => {
    const bad = { metadata: { id: 'Nope', title: '' }, filesystem: { block_read: ['a', 'a', 3], extra: [] }, mcp: { block_unknown_servers: 'yes' } };
    try {
      checkPolicy(fromPlainJson(bad));
      expect.unreachable();
    } catch (error) {
      const paths = (error as { issues: { path: string }[] }).issues.map((issue) => issue.path);
      expect(paths).toEqual(
        expect.arrayContaining(['metadata.id', 'metadata.title', 'metadata.description', 'metadata.version', 'filesystem.block_read.2', 'filesystem', 'mcp.block_unknown_servers']),
      );
      expect(error).toMatchObject({ code: 'policy_invalid' });
    }
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
