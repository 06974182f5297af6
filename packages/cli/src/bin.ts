#!/usr/bin/env node
// Built as CommonJS (dist/bin.cjs): Node starts a CommonJS entry faster than an ES module one.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBundleWithCodeCache } from './code-cache.js';

const here = typeof __dirname === 'string' ? __dirname : dirname(fileURLToPath(import.meta.url));

// Installed from npm, dist/ holds the whole CLI bundled as cavra-runtime.cjs (fast start-up).
// From sources, or inlined into another bundle, there is none: run the modules directly.
if (!runBundleWithCodeCache(join(here, 'cavra-runtime.cjs'))) {
  void import('./run.js').then(({ runCli }) => runCli());
}
