import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { codeCacheFileName } from '../src/code-cache.js';

const CODE_CACHE_SOURCE = fileURLToPath(new URL('../src/code-cache.ts', import.meta.url));

/** Runs a small CommonJS "bundle" through runBundleWithCodeCache in a fresh process. */
function runBundle(dir: string, env: Record<string, string> = {}): string {
  return runBundleIn(dir, join(dir, 'cache'), env);
}

function runBundleIn(dir: string, cacheDir: string, env: Record<string, string> = {}): string {
  const script = `import { runBundleWithCodeCache } from ${JSON.stringify(CODE_CACHE_SOURCE)};
    if (!runBundleWithCodeCache(${JSON.stringify(join(dir, 'bundle.cjs'))})) console.log('no bundle');`;
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { ...process.env, CAVRA_RUNTIME_CACHE_DIR: cacheDir, CAVRA_RUNTIME_NO_CODE_CACHE: '', ...env },
    timeout: 20_000,
  });
  expect(result.error).toBeUndefined(); // e.g. a timeout: the run hung
  expect(result.stderr).toBe('');
  return result.stdout;
}

function bundleDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cavra-code-cache-'));
  writeFileSync(join(dir, 'bundle.cjs'), "const path = require('node:path'); console.log(path.basename(__filename), typeof module.exports);");
  return dir;
}
const cacheFiles = (dir: string): string[] => (existsSync(join(dir, 'cache')) ? readdirSync(join(dir, 'cache')) : []);

describe('runBundleWithCodeCache', { timeout: 30_000 }, () => {
  it('runs the bundle as CommonJS and keeps a code cache for the next run', () => {
    const dir = bundleDir();
    expect(runBundle(dir)).toBe('bundle.cjs object\n');
    const [file] = cacheFiles(dir);
    expect(file).toMatch(/^cavra-runtime-v\d+\.\d+\.\d+-\w+-[0-9a-f]{64}\.v8cache$/);
    expect(statSync(join(dir, 'cache')).mode & 0o777).toBe(0o700);
    const first = readFileSync(join(dir, 'cache', file as string));
    expect(runBundle(dir)).toBe('bundle.cjs object\n');
    expect(readFileSync(join(dir, 'cache', file as string)).equals(first)).toBe(true); // accepted, not rewritten
  });

  it('ignores and replaces a corrupt cache, with the same behaviour', () => {
    const dir = bundleDir();
    runBundle(dir);
    const [file] = cacheFiles(dir);
    writeFileSync(join(dir, 'cache', file as string), 'not V8 data');
    expect(runBundle(dir)).toBe('bundle.cjs object\n');
    expect(readFileSync(join(dir, 'cache', file as string), 'utf8')).not.toBe('not V8 data');
  });

  it('keys the cache by the bundle: an edited bundle gets a new entry', () => {
    const dir = bundleDir();
    runBundle(dir);
    writeFileSync(join(dir, 'bundle.cjs'), "console.log('edited with a different length');");
    expect(runBundle(dir)).toBe('edited with a different length\n');
    expect(cacheFiles(dir)).toHaveLength(2);
  });

  it('writes nothing when turned off, and reports a missing bundle', () => {
    const dir = bundleDir();
    expect(runBundle(dir, { CAVRA_RUNTIME_NO_CODE_CACHE: '1' })).toBe('bundle.cjs object\n');
    expect(cacheFiles(dir)).toEqual([]);
    expect(runBundle(mkdtempSync(join(tmpdir(), 'cavra-empty-')))).toBe('no bundle\n');
  });

  it('can never change behaviour: a same-length modified bundle with the same mtime runs its own code', () => {
    // Block and allow differ in content, not in length: V8 alone would accept the other's data.
    const dir = mkdtempSync(join(tmpdir(), 'cavra-code-cache-'));
    const bundle = join(dir, 'bundle.cjs');
    const blockSource = "console.log('decision: block');";
    const allowSource = "console.log('decision: allow');";
    expect(allowSource.length).toBe(blockSource.length);
    writeFileSync(bundle, blockSource);
    const mtime = new Date('1985-10-26T08:15:00Z'); // what npm gives every installed file
    utimesSync(bundle, mtime, mtime);
    expect(runBundle(dir)).toBe('decision: block\n');
    expect(runBundle(dir)).toBe('decision: block\n'); // from the cache
    writeFileSync(bundle, allowSource);
    utimesSync(bundle, mtime, mtime);
    expect(runBundle(dir)).toBe('decision: allow\n');
    expect(runBundle(dir)).toBe('decision: allow\n');
  });

  it('never reads data planted under the right name in a directory others can write', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cavra-code-cache-'));
    const bundle = join(dir, 'bundle.cjs');
    // An attacker compiles a same-length bundle and plants its data under the real bundle's name.
    writeFileSync(bundle, "console.log('decision: block');");
    runBundle(dir);
    const [planted] = cacheFiles(dir);
    writeFileSync(bundle, "console.log('decision: allow');");
    const shared = join(dir, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o777);
    const realName = codeCacheFileNameOf(bundle);
    copyFileSync(join(dir, 'cache', planted as string), join(shared, realName));
    expect(runBundleIn(dir, shared)).toBe('decision: allow\n');
    expect(readdirSync(shared)).toEqual([realName]); // not used at all: nothing written either
    // The same plant in a private directory would be accepted by V8 (what the directory check prevents).
    const own = join(dir, 'own');
    mkdirSync(own, { mode: 0o700 });
    copyFileSync(join(dir, 'cache', planted as string), join(own, realName));
    expect(runBundleIn(dir, own)).toBe('decision: block\n');
  });

  it('refuses a symlinked cache directory', () => {
    const dir = bundleDir();
    mkdirSync(join(dir, 'real'), { mode: 0o700 });
    symlinkSync(join(dir, 'real'), join(dir, 'link'));
    expect(runBundleIn(dir, join(dir, 'link'))).toBe('bundle.cjs object\n');
    expect(readdirSync(join(dir, 'real'))).toEqual([]);
  });

  it.each([
    ['a FIFO', (path: string) => spawnSync('mkfifo', [path])],
    ['a symlink to /dev/zero', (path: string) => symlinkSync('/dev/zero', path)],
  ])('does not hang on %s in place of the cache file', (_name, make) => {
    const dir = bundleDir();
    mkdirSync(join(dir, 'cache'), { mode: 0o700 });
    make(join(dir, 'cache', codeCacheFileNameOf(join(dir, 'bundle.cjs'))));
    expect(runBundle(dir)).toBe('bundle.cjs object\n');
  });
});

/** The cache file name the real code computes for a bundle on disk. */
const codeCacheFileNameOf = (bundle: string): string => codeCacheFileName(readFileSync(bundle));
