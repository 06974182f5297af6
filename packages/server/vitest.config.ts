import { defineProject } from 'vitest/config';
import { fastCheckSetup, sourceAliases } from '../../vitest.shared.js';

export default defineProject({
  resolve: { alias: sourceAliases },
  test: { setupFiles: [fastCheckSetup], name: '@cavra/server', include: ['test/**/*.test.ts'] },
});
