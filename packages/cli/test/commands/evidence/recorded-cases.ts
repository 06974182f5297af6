import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { main } from '../../../src/main.js';
import type { CliIo } from '../../../src/io.js';

/** The recorded Python `cavra evidence …` runs shipped with the project (fixtures/oracle/trust-roots, TEST keys only). */
export const PROJECT_RECORDING_DIR = fileURLToPath(
  new URL('../../../../../fixtures/oracle/trust-roots/', import.meta.url),
);

/**
 * The recording replayed: the project's, or another recorded set of the same layout named by
 * `CAVRA_TRUST_ROOTS_RECORDING` (e.g. a set recorded with other keys and another clock).
 */
export const RECORDING_DIR = process.env.CAVRA_TRUST_ROOTS_RECORDING
  ? `${process.env.CAVRA_TRUST_ROOTS_RECORDING.replace(/\/+$/, '')}/`
  : PROJECT_RECORDING_DIR;

export interface RecordedCase {
  id: string;
  group: string;
  description: string;
  argv: string[];
  env: Record<string, string>;
  expected: { exit_code: number; stdout: string; stderr_last_line: string | null; stderr_contains?: string };
  verdict: string;
  errors?: string[];
  outputs?: string[];
  notes?: string;
}

export const recordedCases = (): RecordedCase[] =>
  (JSON.parse(readFileSync(join(RECORDING_DIR, 'cases.json'), 'utf8')) as { cases: RecordedCase[] }).cases;

export const recordedBytes = (path: string): Buffer => readFileSync(join(RECORDING_DIR, path));

/**
 * A scratch copy of the recording, laid out as the recorded commands expect (their cwd). Without
 * `withEvidence`, the signed evidence bundles (most of the bytes) are left out: only `verify` reads them.
 */
export function scratchCopy(withEvidence = true): string {
  const dir = mkdtempSync(join(tmpdir(), 'cavra-trust-roots-'));
  const skip = new Set([
    join(RECORDING_DIR, 'cases.json'),
    ...(withEvidence ? [] : [join(RECORDING_DIR, 'evidence')]),
  ]);
  cpSync(RECORDING_DIR, dir, { recursive: true, filter: (source) => !skip.has(source) });
  mkdirSync(join(dir, 'scratch'));
  return dir;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `cavra-runtime <argv>` in-process, with the case's environment only (no process env leaks in). */
export async function runInProcess(
  argv: readonly string[],
  cwd: string,
  env: Record<string, string>,
): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdin: Readable.from([]),
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: { write: (chunk: string) => (stderr += chunk) },
    env,
    cwd,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

const require = createRequire(import.meta.url);
const BIN_SOURCE = fileURLToPath(new URL('../../../src/bin.ts', import.meta.url));
const TSCONFIG = fileURLToPath(new URL('../../../../../tsconfig.json', import.meta.url));

/** The real `cavra-runtime` process from its sources, in `cwd` (tsx and the source paths resolved from the repository). */
export function runBin(
  argv: readonly string[],
  cwd: string,
  env: Record<string, string>,
): Promise<RunResult> {
  const loader = pathToFileURL(require.resolve('tsx/esm')).href;
  return new Promise((resolvePromise, reject) => {
    execFile(
      process.execPath,
      ['--import', loader, BIN_SOURCE, ...argv],
      { cwd, env: { PATH: process.env.PATH ?? '', ...env, TSX_TSCONFIG_PATH: TSCONFIG }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        if (code === null) reject(error instanceof Error ? error : new Error('no exit code'));
        else resolvePromise({ code, stdout, stderr });
      },
    );
  });
}
