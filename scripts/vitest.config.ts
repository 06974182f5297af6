import { defineProject } from 'vitest/config';
import { fastCheckSetup, sourceAliases } from '../vitest.shared.js';

// Release-engineering tests. The pack/install and release-package tests run against the build
// output (`pnpm build` first; .ci/run does) and fail, never skip, when it is missing.
// eslint-disable-next-line no-restricted-syntax -- vitest reads a config file's default export
export default defineProject({
  resolve: { alias: sourceAliases },
  test: { setupFiles: [fastCheckSetup], name: 'scripts', include: ['test/**/*.test.ts'], testTimeout: 300_000, hookTimeout: 300_000 },
});
