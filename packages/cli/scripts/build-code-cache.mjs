#!/usr/bin/env node
// Builds dist/cavra-runtime.cjs.cache: V8 code-cache data for the bundled CLI, taken after one
// representative single decision so that the functions it compiles are included.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const cache = `${dist}cavra-runtime.cjs.cache`;
rmSync(cache, { force: true });
const run = spawnSync(process.execPath, [`${dist}bin.js`], {
  input: JSON.stringify({ action_type: 'execute_command', target: 'terraform plan' }),
  env: { ...process.env, CAVRA_POLICY_DIR: '', CAVRA_RUNTIME_WRITE_CODE_CACHE: '1' },
  encoding: 'utf8',
});
if (run.status !== 0 || !existsSync(cache)) {
  console.error(`could not build the code cache (exit ${run.status}): ${run.stderr}`);
  process.exit(1);
}
