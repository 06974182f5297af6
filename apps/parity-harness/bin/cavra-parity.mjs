#!/usr/bin/env node
// Runs the harness from its TypeScript sources (no build step), as the tests do.
import process from 'node:process';
import { register } from 'tsx/esm/api';

register();
const { runParity } = await import('../src/main.ts');
const { exitCode } = await runParity(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  // Relative paths mean "where the user typed the command": turbo runs tasks in the package
  // directory and records its own invocation directory; pnpm records INIT_CWD.
  cwd: process.env.TURBO_INVOCATION_DIR ?? process.env.INIT_CWD ?? process.cwd(),
});
process.exitCode = exitCode;
