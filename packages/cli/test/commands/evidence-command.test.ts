import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EVIDENCE_EXIT, EVIDENCE_SUBCOMMANDS } from '../../src/commands/evidence.js';
import { RECORDING_DIR, runInProcess } from './evidence/recorded-cases.js';

const work = mkdtempSync(join(tmpdir(), 'cavra-evidence-command-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const errorOf = (stderr: string): { code: string; message: string; python?: string } =>
  (JSON.parse(stderr) as { error: { code: string; message: string; python?: string } }).error;

describe('cavra-runtime evidence: dispatcher, usage and fail-closed input', () => {
  it('dispatches the seven subcommands from one table', () => {
    expect(Object.keys(EVIDENCE_SUBCOMMANDS).sort()).toEqual(
      ['bundle', 'generate-keypair', 'trust-bundle', 'trust-distribution', 'trust-root', 'verify', 'verify-log'].sort(),
    );
  });

  it.each([
    [['evidence', 'nope'], 'No such command'],
    [['evidence', 'verify'], "Missing argument 'BUNDLE_DIR'."],
    [['evidence', 'verify', 'x', '--bogus'], 'unknown option: --bogus'],
    [['evidence', 'verify', 'x', '--minimum-retention-days', 'ten'], "'ten' is not a valid integer"],
    [['evidence', 'trust-bundle'], "Missing argument 'TRUST_ROOTS...'."],
  ])('%j is a usage error: one JSON error line, exit 2', async (argv, message) => {
    const result = await runInProcess(argv, work, {});
    expect(result.code).toBe(EVIDENCE_EXIT.usage);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(errorOf(result.stderr)).toMatchObject({
      code: 'usage',
      message: expect.stringContaining(message) as string,
    });
  });

  it('refuses an unparsable CAVRA_FIXED_NOW rather than writing the real time', async () => {
    const result = await runInProcess(
      ['evidence', 'trust-root', join(RECORDING_DIR, 'keys/a-public.pem'), '--output', join(work, 'r.json')],
      work,
      { CAVRA_FIXED_NOW: 'tomorrow' },
    );
    expect(result.code).toBe(2);
    expect(errorOf(result.stderr).message).toContain('CAVRA_FIXED_NOW');
  });

  it('refuses /dev/zero and a FIFO as keys or roots with a JSON error (exit 1), without hanging', async () => {
    const fifo = join(work, 'root.fifo');
    execFileSync('mkfifo', [fifo]);
    const signed = join(RECORDING_DIR, 'evidence/signed-a');
    for (const argv of [
      ['evidence', 'verify', signed, '--public-key', '/dev/zero'],
      ['evidence', 'verify', signed, '--trust-root', fifo],
      ['evidence', 'trust-bundle', fifo, '--output', join(work, 'b.json')],
      ['evidence', 'trust-root', '/dev/zero', '--output', join(work, 'z.json')],
    ]) {
      const result = await runInProcess(argv, work, {});
      expect(result.code, argv.join(' ')).toBe(1);
      expect(result.stdout).toBe('');
      expect(errorOf(result.stderr)).toMatchObject({
        code: 'evidence_unreadable',
        message: expect.stringContaining('not a regular file') as string,
      });
    }
  });

  it('prints the help with exit 0', async () => {
    const result = await runInProcess(['evidence', '--help'], work, {});
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('CAVRA_FIXED_NOW');
  });
});

describe('cavra-runtime evidence verify: path options are Python Paths', () => {
  it("treats --public-key '' as the directory '.', which Python cannot read (exit 1), not as absent", async () => {
    const result = await runInProcess(
      ['evidence', 'verify', join(RECORDING_DIR, 'evidence/signed-a'), '--public-key', ''],
      work,
      {},
    );
    expect(result.code).toBe(1);
    expect(errorOf(result.stderr).python).toBe("IsADirectoryError: [Errno 21] Is a directory: '.'");
  });
});
