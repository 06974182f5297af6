import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { workspaceEntries } from '../../../vitest.shared.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const BUILTINS = new Set(builtinModules);
const isBuiltin = (specifier: string): boolean =>
  specifier.startsWith('node:') || BUILTINS.has(specifier.split('/')[0] as string);

/**
 * Bundle one entry point for a neutral platform (no Node, no browser), everything bundled
 * (workspace packages from their sources, npm packages from their neutral builds), and list every
 * Node built-in that anything in the bundle imports.
 */
async function nodeBuiltinsImportedBy(entry: string): Promise<string[]> {
  const found = new Set<string>();
  const workspace = new Map(
    workspaceEntries().map(({ specifier, source }) => [specifier, `${root}${source}`]),
  );
  const recordBuiltins: Plugin = {
    name: 'record-node-builtins',
    setup(context) {
      context.onResolve({ filter: /.*/ }, (args) => {
        const source = workspace.get(args.path);
        if (source !== undefined) return { path: source };
        if (isBuiltin(args.path)) {
          found.add(args.path);
          return { path: args.path, external: true };
        }
        return undefined;
      });
    },
  };
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'neutral',
    mainFields: ['module', 'main'],
    format: 'esm',
    write: false,
    logLevel: 'silent',
    plugins: [recordBuiltins],
  });
  return [...found].sort();
}

describe('purity: @cavra/evaluator bundles for a neutral platform', () => {
  it('imports no Node built-in, directly or through @cavra/policy-model and @cavra/registry', async () => {
    expect(await nodeBuiltinsImportedBy(`${root}packages/evaluator/src/index.ts`)).toEqual([]);
  }, 60_000);

  it('@cavra/registry does not either', async () => {
    expect(await nodeBuiltinsImportedBy(`${root}packages/registry/src/index.ts`)).toEqual([]);
  }, 60_000);

  it('the check sees built-ins where they are (the */node subpaths)', async () => {
    expect(await nodeBuiltinsImportedBy(`${root}packages/registry/src/node/index.ts`)).toContain('node:fs');
  }, 60_000);
});
