// Test support: the batch worker entry run from sources (through tsx), as the built
// dist/node/batch-worker-entry.js runs in a build. Its @cavra/* imports resolve to their builds.
import { tsImport } from 'tsx/esm/api';

await tsImport('../../../src/node/batch-worker-entry.ts', import.meta.url);
