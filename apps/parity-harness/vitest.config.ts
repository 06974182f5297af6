import { defineProject } from 'vitest/config';
import { fastCheckSetup, sourceAliases } from '../../vitest.shared.js';

// eslint-disable-next-line no-restricted-syntax -- vitest loads the config's default export
export default defineProject({
  resolve: { alias: sourceAliases },
  test: { setupFiles: [fastCheckSetup], name: '@cavra/parity-harness', include: ['test/**/*.test.ts'], testTimeout: 30_000 },
});
