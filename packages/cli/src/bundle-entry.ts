// Entry of dist/cavra-runtime.cjs: the whole CLI in one CommonJS file, loaded by bin.ts with V8's code cache.
import { runCli } from './run.js';

void runCli();
