import { fileURLToPath } from 'node:url';

const pkg = (name: string): string =>
  fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url));

/** Tests run against sources: every `@cavra/*` import resolves to `src/index.ts`, no build needed. */
export const sourceAliases = {
  '@cavra/policy-model': pkg('policy-model'),
  '@cavra/evaluator': pkg('evaluator'),
  '@cavra/registry': pkg('registry'),
  '@cavra/evidence': pkg('evidence'),
  '@cavra/cli': pkg('cli'),
};
