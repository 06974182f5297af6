import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sourceAliases, workspaceEntries } from '../../vitest.shared.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('workspace entry points: package.json exports are the one list', () => {
  const entries = workspaceEntries();

  it('has every package index and the node subpaths, each backed by a source file', () => {
    const specifiers = entries.map((entry) => entry.specifier);
    expect(specifiers).toEqual(
      expect.arrayContaining([
        '@cavra/policy-model',
        '@cavra/policy-model/node',
        '@cavra/registry',
        '@cavra/registry/node',
        '@cavra/evaluator',
      ]),
    );
    for (const entry of entries) expect(existsSync(`${root}${entry.source}`), entry.source).toBe(true);
  });

  it('tsconfig.base.json paths map exactly the exported subpaths to the same sources', () => {
    const tsconfig = JSON.parse(readFileSync(`${root}tsconfig.base.json`, 'utf8')) as {
      compilerOptions: { paths: Record<string, string[]> };
    };
    const paths = Object.fromEntries(
      Object.entries(tsconfig.compilerOptions.paths).map(([key, [target]]) => [
        key,
        target?.replace(/^\.\//, ''),
      ]),
    );
    expect(paths).toEqual(Object.fromEntries(entries.map((entry) => [entry.specifier, entry.source])));
  });

  it('vitest aliases match whole specifiers only', () => {
    const resolve = (specifier: string) =>
      sourceAliases.find((alias) => alias.find.test(specifier))?.replacement;
    expect(resolve('@cavra/registry')).toBe(`${root}packages/registry/src/index.ts`);
    expect(resolve('@cavra/registry/node')).toBe(`${root}packages/registry/src/node/index.ts`);
    expect(resolve('@cavra/registry/nodes')).toBeUndefined();
  });
});
