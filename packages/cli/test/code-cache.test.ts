import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CODE_CACHE_SOURCE = fileURLToPath(new URL('../src/code-cache.ts', import.meta.url));

/** Runs a small CommonJS "bundle" through runBundleWithCodeCache in a fresh process. */
function runBundle(dir: string, env: Record<string, string> = {}): string {
  const script = `import { runBundleWithCodeCache } from ${JSON.stringify(CODE_CACHE_SOURCE)};
    if (!runBundleWithCodeCache(${JSON.stringify(join(dir, 'bundle.cjs'))})) console.log('no bundle');`;
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { ...process.env, CAVRA_RUNTIME_CACHE_DIR: join(dir, 'cache'), CAVRA_RUNTIME_NO_CODE_CACHE: '', ...env },
  });
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
    expect(file).toMatch(/^cavra-runtime-v\d+\.\d+\.\d+-\w+-\d+-\d+\.v8cache$/);
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
});
