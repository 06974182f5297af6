import { describe, expect, it } from 'vitest';
import { parsePolicyYaml } from '../../src/packs/parse-policy-yaml.js';
import { MAX_ALIAS_EXPANSION, YamlAliasExpansionError, loadPyYaml } from '../../src/yaml/index.js';
import type { PyDict, PyValue } from '../../src/python/value.js';

/** The classic "billion laughs": `levels` anchors, each a list of `width` aliases of the previous one. */
function aliasBomb(levels: number, width: number, key = 'x'): string {
  const lines = ['a0: &a0 ["lol"]'];
  for (let level = 1; level <= levels; level++) {
    lines.push(`a${level}: &a${level} [${Array.from({ length: width }, () => `*a${level - 1}`).join(', ')}]`);
  }
  lines.push(`${key}: *a${levels}`);
  return `${lines.join('\n')}\n`;
}

describe('alias expansion is bounded', () => {
  it('a 1 KB bomb (9 levels × 10 aliases) is refused at load time with policy_yaml saying why', () => {
    const bomb = aliasBomb(9, 10);
    expect(bomb.length).toBeLessThan(1100);
    expect(() => loadPyYaml(bomb)).toThrow(YamlAliasExpansionError);
    expect(() => parsePolicyYaml(bomb, 'overlay.yaml')).toThrowError(
      expect.objectContaining({
        code: 'policy_yaml',
        message: expect.stringMatching(
          /^overlay\.yaml: YAML aliases expand this document by more than 100000 nodes/,
        ) as string,
      }) as Error,
    );
  });

  it('the same bomb as an overlay is refused before compile walks it', () => {
    const overlay = `metadata: {id: cavra-bomb, title: t, description: d, version: "1"}\nfilesystem:\n  block_read: *a9\n`;
    const text =
      aliasBomb(9, 10).replace(/^x: \*a9\n$/m, '') + overlay.replace('block_read: *a9', 'block_read: *a9');
    expect(() => parsePolicyYaml(text, 'overlay.yaml')).toThrowError(
      expect.objectContaining({ code: 'policy_yaml' }) as Error,
    );
  });

  it('ordinary aliases, and expansion up to the bound, still load and share the aliased value', () => {
    const small = loadPyYaml(aliasBomb(2, 10)) as PyDict;
    expect((small.get('x') as unknown[]).length).toBe(10);
    // 4 levels × 10 = 10,000 leaves plus inner lists: well inside the bound.
    expect(() => loadPyYaml(aliasBomb(4, 10))).not.toThrow();
    expect(MAX_ALIAS_EXPANSION).toBe(100_000);
  });

  it('a merge of an aliased mapping still loads', () => {
    const loaded = loadPyYaml(
      'defaults: &d {block_read: ["*.pem"]}\nfilesystem: {<<: *d, block_write: ["*.key"]}\n',
    ) as PyDict;
    expect(loaded.get('filesystem')).toEqual(
      new Map([
        ['block_read', ['*.pem']],
        ['block_write', ['*.key']],
      ]),
    );
  });
});

describe('long flat collections', () => {
  it(
    'a flat list of 130,000 items loads (it used to fail with a false RecursionError)',
    { timeout: 60_000 },
    () => {
      const loaded = loadPyYaml(`[${'a, '.repeat(130_000)}]`) as PyValue[];
      expect(loaded.length).toBe(130_000);
    },
  );
});
