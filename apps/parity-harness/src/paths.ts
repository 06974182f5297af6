import { fileURLToPath } from 'node:url';

/** Repository locations, from this file's position (apps/parity-harness/src). */
export const APP_DIR = fileURLToPath(new URL('..', import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
// The recorded data's locations have one home: the fixtures reader.
export { ORACLE_DIR, REGRESSIONS_DIR } from '@cavra/test-fixtures';
export const VENDORED_PACKS_DIR = fileURLToPath(
  new URL('../../../packages/policy-model/packs', import.meta.url),
);
export const ADAPTER_SCRIPT = fileURLToPath(new URL('../python/cavra_parity_adapter.py', import.meta.url));
