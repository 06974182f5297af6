import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, closeSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The real, built command (`pnpm --filter @cavra/cli... build` first): bin.cjs, its bundle and the code cache.
const BIN = fileURLToPath(new URL('../dist/bin.cjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'cavra-smoke-'));
const request = join(dir, 'request.json');
writeFileSync(request, '{"action_type": "read_file", "target": ".env"}\n');
const env = { ...process.env, CAVRA_RUNTIME_CACHE_DIR: join(dir, 'cache') };

/** Run the built bin with stdout going to `stdoutPath` (e.g. /dev/full). */
function runBinTo(args: readonly string[], stdoutPath?: string): { status: number | null; stdout: string; stderr: string } {
  const fd = stdoutPath !== undefined ? openSync(stdoutPath, 'w') : undefined;
  try {
    const result = spawnSync(process.execPath, [BIN, ...args], {
      env,
      encoding: 'utf8',
      timeout: 20_000,
      stdio: ['ignore', fd ?? 'pipe', 'pipe'],
    });
    expect(result.error).toBeUndefined();
    return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

describe('the built cavra-runtime, as a process', { timeout: 60_000 }, () => {
  it('has been built', () => {
    expect(existsSync(BIN)).toBe(true);
  });

  it('prints a decision (twice: without and with its code cache)', () => {
    for (let run = 0; run < 2; run++) {
      const result = runBinTo(['--input', request]);
      expect(result.status).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ decision: 'block', rule_id: 'filesystem.read.block' });
    }
  });

  it.each([[['--input', request]], [['--batch', '--input', request]]])(
    'answers a full disk on stdout (/dev/full) with a JSON error and exit 1, no stack trace: %j',
    (args) => {
      const result = runBinTo(args, '/dev/full');
      expect(result.status).toBe(1);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(JSON.parse(result.stderr)).toEqual({
        error: { code: 'output_failed', message: 'cannot write to stdout: ENOSPC' },
      });
    },
  );
});
