#!/usr/bin/env node
import { fileURLToPath } from 'node:url';
import { runBundleWithCodeCache } from './code-cache.js';

// Installed from npm, dist/ holds the whole CLI bundled as cavra-runtime.cjs (fast start-up).
// From sources, or inlined into another bundle, there is none: run the modules directly.
if (!runBundleWithCodeCache(fileURLToPath(new URL('./cavra-runtime.cjs', import.meta.url)))) {
  const { runCli } = await import('./run.js');
  await runCli();
}
