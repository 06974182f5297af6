import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('./', import.meta.url));

// fast-check: one seed for the whole run, logged so that a failure can be replayed with
// `FC_SEED=<seed> pnpm test`. Workers inherit it through the environment.
if (!process.env.FC_SEED) process.env.FC_SEED = String(Math.floor(Math.random() * 2 ** 31));
if (!process.env.CAVRA_FC_SEED_LOGGED) {
  process.env.CAVRA_FC_SEED_LOGGED = '1';
  console.log(`fast-check seed ${process.env.FC_SEED} (replay with FC_SEED=${process.env.FC_SEED})`);
}

/** Runs before every test file: applies the run's fast-check seed. */
export const fastCheckSetup = fileURLToPath(new URL('./vitest.fast-check.ts', import.meta.url));

/** One subpath of a workspace package: `@cavra/policy-model/node` → `packages/policy-model/src/node/index.ts`. */
export interface WorkspaceEntry {
  /** The import specifier (`@cavra/registry`, `@cavra/registry/node`). */
  readonly specifier: string;
  /** The source file it stands for, relative to the repository root. */
  readonly source: string;
}

type ExportTarget = string | { readonly import?: string; readonly default?: string };

/**
 * Every code subpath that the workspace packages export (`packages/*`/package.json `exports`),
 * with the source file behind it: `./dist/X.js` is built from `./src/X.ts`. The one list that the
 * vitest aliases are made from; a test checks tsconfig.base.json `paths` against it too.
 */
export function workspaceEntries(repositoryRoot: string = root): WorkspaceEntry[] {
  const entries: WorkspaceEntry[] = [];
  for (const folder of readdirSync(`${repositoryRoot}packages`).sort()) {
    const manifestPath = `${repositoryRoot}packages/${folder}/package.json`;
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { name: string; exports?: Record<string, ExportTarget> };
    for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
      const built = typeof target === 'string' ? target : (target.import ?? target.default);
      if (built === undefined || !built.endsWith('.js')) continue; // ./package.json and other non-code entries
      const source = built.replace(/^\.\/dist\//, `packages/${folder}/src/`).replace(/\.js$/, '.ts');
      entries.push({ specifier: subpath === '.' ? manifest.name : `${manifest.name}${subpath.slice(1)}`, source });
    }
  }
  return entries;
}

/**
 * Tests run against sources: every `@cavra/*` import (and subpath such as `@cavra/policy-model/node`)
 * resolves to its `src/…/index.ts`, no build needed. Exact matches, so `@cavra/registry` does not
 * swallow `@cavra/registry/node`.
 */
export const sourceAliases = workspaceEntries().map(({ specifier, source }) => ({
  find: new RegExp(`^${specifier.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`),
  replacement: `${root}${source}`,
}));
