import { fileURLToPath } from 'node:url';

const pkg = (name: string): string =>
  fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url));

// fast-check: one seed for the whole run, logged so that a failure can be replayed with
// `FC_SEED=<seed> pnpm test`. Workers inherit it through the environment.
if (!process.env.FC_SEED) process.env.FC_SEED = String(Math.floor(Math.random() * 2 ** 31));
if (!process.env.CAVRA_FC_SEED_LOGGED) {
  process.env.CAVRA_FC_SEED_LOGGED = '1';
  console.log(`fast-check seed ${process.env.FC_SEED} (replay with FC_SEED=${process.env.FC_SEED})`);
}

/** Runs before every test file: applies the run's fast-check seed. */
export const fastCheckSetup = fileURLToPath(new URL('./vitest.fast-check.ts', import.meta.url));

/** Tests run against sources: every `@cavra/*` import resolves to `src/index.ts`, no build needed. */
export const sourceAliases = {
  '@cavra/policy-model/node': fileURLToPath(new URL('./packages/policy-model/src/node/index.ts', import.meta.url)),
  '@cavra/policy-model': pkg('policy-model'),
  '@cavra/evaluator': pkg('evaluator'),
  '@cavra/registry': pkg('registry'),
  '@cavra/evidence': pkg('evidence'),
  '@cavra/engine': pkg('engine'),
  '@cavra/server': pkg('server'),
  '@cavra/cli': pkg('cli'),
};
