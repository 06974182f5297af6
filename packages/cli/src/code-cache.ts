import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

/**
 * Node 20 has no compile cache (`module.enableCompileCache` arrived in 22.1), and compiling the
 * CLI's code is a large part of a single decision's wall time. So the bin runs the bundled CLI
 * through `vm.Script` with V8 code-cache data built next to it at build time. V8 rejects data from
 * another V8 version or flag set, and then simply compiles: the cache can make start-up faster,
 * never different. Nothing is written at run time unless the build asks for it.
 */
export const CODE_CACHE_SUFFIX = '.cache';
/** Set by the build (scripts/build-code-cache.mjs) to write the cache after one representative run. */
export const WRITE_CODE_CACHE_ENV = 'CAVRA_RUNTIME_WRITE_CODE_CACHE';

const wrap = (source: string): string => `(function (exports, require, module, __filename, __dirname) {${source}\n})`;

/** Run a CommonJS bundle with its code cache; returns false when there is no bundle at `path`. */
export function runBundleWithCodeCache(path: string): boolean {
  if (!existsSync(path)) return false;
  const cachePath = path + CODE_CACHE_SUFFIX;
  const cachedData = existsSync(cachePath) ? readFileSync(cachePath) : undefined;
  const script = new Script(wrap(readFileSync(path, 'utf8')), { filename: path, ...(cachedData ? { cachedData } : {}) });
  if (process.env[WRITE_CODE_CACHE_ENV] === '1') {
    // After the run, so that the functions the run compiled are in the cache too.
    process.once('beforeExit', () => writeFileSync(cachePath, script.createCachedData()));
  }
  const module = { exports: {} };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run(module.exports, createRequire(path), module, path, dirname(path));
  return true;
}
