import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';

/**
 * Compiling the CLI's code is a large part of a single decision's wall time, and Node 20 has no
 * compile cache (`module.enableCompileCache` arrived in 22.1). So the bin runs the bundled CLI
 * through `vm.Script` with V8 code-cache data kept in the user's cache directory, keyed by the
 * bundle's hash and the Node version, written after the first run. V8 itself rejects data that
 * does not fit its version, flags or source, and then simply compiles: the cache can only make
 * start-up faster, never change behaviour (so the key need not be a content hash: size and
 * modification time tell versions apart). The data cannot ship in the package: V8's output is
 * not reproducible byte for byte, and release artifacts are.
 *
 * `CAVRA_RUNTIME_CACHE_DIR` moves the cache; `CAVRA_RUNTIME_NO_CODE_CACHE=1` turns it off.
 */
export function codeCacheDirectory(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.CAVRA_RUNTIME_NO_CODE_CACHE === '1') return undefined;
  if (env.CAVRA_RUNTIME_CACHE_DIR) return env.CAVRA_RUNTIME_CACHE_DIR;
  const base = env.XDG_CACHE_HOME || (homedir() ? join(homedir(), '.cache') : undefined);
  return base ? join(base, 'cavra-runtime') : undefined;
}

const wrap = (source: string): string => `(function (exports, require, module, __filename, __dirname) {${source}\n})`;

/** Run a CommonJS bundle, with a code cache when one can be kept; returns false when there is no bundle at `path`. */
export function runBundleWithCodeCache(path: string): boolean {
  if (!existsSync(path)) return false;
  requireWithCodeCache(path, 'cavra-runtime');
  return true;
}

/**
 * Load one CommonJS file (no bundle needed: its own `require` resolves from its directory) with
 * a code cache named `<name>-<key>.v8cache`, and return its `module.exports`. The hook uses it
 * for the shell parser, a 1.5 MB compiled-from-Go file that would otherwise be compiled anew
 * for every shell tool call.
 */
export function requireWithCodeCache(path: string, name: string): unknown {
  const source = wrap(readFileSync(path, 'utf8'));
  const directory = codeCacheDirectory();
  const stat = statSync(path);
  const key = `${process.version}-${process.arch}-${stat.size}-${Math.floor(stat.mtimeMs)}`;
  const cachePath = directory ? join(directory, `${name}-${key}.v8cache`) : undefined;
  let cachedData: Buffer | undefined;
  try {
    if (cachePath && existsSync(cachePath)) cachedData = readFileSync(cachePath);
  } catch {
    cachedData = undefined; // unreadable: compile without it
  }
  const script = new Script(source, { filename: path, ...(cachedData ? { cachedData } : {}) });
  if (cachePath && (!cachedData || script.cachedDataRejected)) {
    // After the run, so that the functions the run compiled are in the cache too.
    process.once('beforeExit', () => writeCodeCache(cachePath, script.createCachedData()));
  }
  const module: { exports: unknown } = { exports: {} };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run(module.exports, createRequire(path), module, path, dirname(path));
  return module.exports;
}

function writeCodeCache(path: string, data: Buffer): void {
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, data, { mode: 0o600 });
    renameSync(temporary, path); // atomic: a concurrent reader sees the old file or the new one
  } catch {
    // A cache that cannot be written only costs start-up time.
  }
}
