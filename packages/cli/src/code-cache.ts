import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { readRegularFile } from '@cavra/policy-model/node';

/**
 * Compiling the CLI's code is a large part of a single decision's wall time, and Node 20 has no
 * compile cache (`module.enableCompileCache` arrived in 22.1). So the bin runs the bundled CLI
 * through `vm.Script` with V8 code-cache data kept in a private cache directory, written after
 * the first run. The data cannot ship in the package: V8's output is not reproducible byte for
 * byte, and release artifacts are.
 *
 * V8 checks cached data against its version and flags but, for the source, only its LENGTH: data
 * compiled from another bundle of the same length is accepted and runs that other code. So:
 * - the file name holds the SHA-256 of the bundle's bytes (plus Node version and arch), never
 *   size and mtime (npm gives every installed file the same mtime): a different bundle can never
 *   find another bundle's data;
 * - the directory must be private: created 0700, and refused (no read, no write) when it is not a
 *   real directory, is owned by another user, or is group- or world-writable, so nobody else can
 *   plant data under the right name;
 * - the file is read with `readRegularFile` (regular files only, bounded): a FIFO or `/dev/zero`
 *   there cannot hang the start-up.
 * Hashing the ~250 KB bundle costs under 1 ms; the cache saves about 25 ms of CPU per decision.
 *
 * `CAVRA_RUNTIME_CACHE_DIR` moves the cache; `CAVRA_RUNTIME_NO_CODE_CACHE=1` turns it off.
 */
export function codeCacheDirectory(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.CAVRA_RUNTIME_NO_CODE_CACHE === '1') return undefined;
  if (env.CAVRA_RUNTIME_CACHE_DIR) return env.CAVRA_RUNTIME_CACHE_DIR;
  const base = env.XDG_CACHE_HOME || (homedir() ? join(homedir(), '.cache') : undefined);
  return base ? join(base, 'cavra-runtime') : undefined;
}

/** Cached data larger than this is not V8's (the bundle's own data is well under 1 MiB). */
export const MAX_CODE_CACHE_BYTES = 32 * 1024 * 1024;

/**
 * The cache directory, created 0700 if missing, or `undefined` when it cannot be trusted: not a
 * directory (a symlink included), owned by another user, or writable by group or others.
 */
export function privateCacheDirectory(directory: string): string | undefined {
  try {
    if (!existsSync(directory)) mkdirSync(directory, { recursive: true, mode: 0o700 });
    const stat = lstatSync(directory);
    if (!stat.isDirectory()) return undefined;
    const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
    if (uid !== undefined && stat.uid !== uid) return undefined;
    if ((stat.mode & 0o022) !== 0) return undefined;
    return directory;
  } catch {
    return undefined;
  }
}

/** The cache file for a script's bytes: its name, SHA-256, the Node version and the architecture. */
export function codeCacheFileName(bundle: Buffer, name = 'cavra-runtime'): string {
  const hash = createHash('sha256').update(bundle).digest('hex');
  return `${name}-${process.version}-${process.arch}-${hash}.v8cache`;
}

const wrap = (source: string): string => `(function (exports, require, module, __filename, __dirname) {${source}\n})`;

function readCodeCache(path: string): Buffer | undefined {
  try {
    return readRegularFile(path, MAX_CODE_CACHE_BYTES);
  } catch {
    return undefined; // missing, not a regular file, too large, unreadable: compile without it
  }
}

/** Run a CommonJS bundle, with a code cache when one can be kept; returns false when there is no bundle at `path`. */
export function runBundleWithCodeCache(path: string): boolean {
  if (!existsSync(path)) return false;
  requireWithCodeCache(path, 'cavra-runtime');
  return true;
}

/**
 * Load one CommonJS file (its own `require` resolves from its directory) with a code cache under
 * the same rules (content-hash name `<name>-…`, private directory, bounded read) and return its
 * `module.exports`. The hook uses it for the shell parser, a 1.5 MB file compiled from Go that
 * would otherwise be compiled anew for every shell tool call.
 */
export function requireWithCodeCache(path: string, name: string): unknown {
  const bundle = readFileSync(path);
  const source = wrap(bundle.toString('utf8'));
  const wanted = codeCacheDirectory();
  const directory = wanted !== undefined ? privateCacheDirectory(wanted) : undefined;
  const cachePath = directory !== undefined ? join(directory, codeCacheFileName(bundle, name)) : undefined;
  const cachedData = cachePath !== undefined ? readCodeCache(cachePath) : undefined;
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
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, data, { mode: 0o600, flag: 'wx' });
    renameSync(temporary, path); // atomic: a concurrent reader sees the old file or the new one
  } catch {
    // A cache that cannot be written only costs start-up time.
  }
}
