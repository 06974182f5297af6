#!/usr/bin/env node
// Built as CommonJS (dist/bin.cjs): Node starts a CommonJS entry faster than an ES module one.
import { realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runBundleWithCodeCache } from './code-cache.js';

// The directory of the script Node was asked to run (through npm's .bin symlink, if any): the
// same in the CommonJS build, from sources, and inlined into another bundle.
const here = dirname(realpathSync(process.argv[1] ?? '.'));

// Installed from npm, dist/ holds the whole CLI bundled as cavra-runtime.cjs (fast start-up).
// From sources, or inlined into another bundle, there is none: run the modules directly.
if (!runBundleWithCodeCache(join(here, 'cavra-runtime.cjs'))) {
  void import('./run.js').then(({ runCli }) => runCli());
}
