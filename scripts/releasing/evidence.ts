import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { ArtifactInfo } from './sbom.js';
import { ROOT, run, type PublicPackage } from './workspace.js';

export type RunStatus = 'passed' | 'failed' | 'unknown' | 'not run';

export interface TestEvidence {
  status: RunStatus;
  /** Where the result was read from, relative to the repository root. */
  source: string;
  source_sha256?: string;
  started_at?: string;
  total?: number;
  passed?: number;
  failed?: number;
  skipped?: number;
  suites?: number;
  note?: string;
}

export interface ParityEvidence {
  status: RunStatus;
  source: string;
  source_sha256?: string;
  recorded_at?: string;
  summary?: unknown;
  note?: string;
}

export interface SigningEvidence {
  algorithm: 'Ed25519';
  key_id: string;
  public_key_sha256: string;
  key_source: 'file' | 'env' | 'ephemeral';
  ephemeral: boolean;
  note?: string;
}

export interface ReleaseEvidence {
  schema_version: 1;
  name: 'cavra-runtime';
  version: string;
  packages: { name: string; version: string; tarball: string }[];
  git: { commit: string | null; dirty: boolean | null; ref?: string };
  build: {
    time: string;
    node: string;
    platform: string;
    pnpm: string | null;
    esbuild: string;
    ci?: Record<string, string>;
    durations_ms: Record<string, number>;
  };
  signing: SigningEvidence;
  artifacts: ArtifactInfo[];
  sbom: { file: string; sha256: string; packages: number; relationships: number };
  tests: TestEvidence;
  parity: ParityEvidence;
}

const fileSha = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');
/** Repository-relative when inside the repository, else absolute. */
const rel = (path: string): string => {
  const inside = relative(ROOT, path);
  return inside === '' || inside.startsWith('..') ? path : inside;
};

/**
 * Reads a vitest JSON report (`vitest run --reporter=json --outputFile.json=FILE`). Absent → "not run":
 * evidence must never claim a test run it cannot point to.
 */
export const readTestEvidence = (path: string): TestEvidence => {
  if (!existsSync(path))
    return { status: 'not run', source: rel(path), note: 'no vitest JSON report at this path' };
  let report: Record<string, unknown>;
  try {
    report = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch {
    return { status: 'unknown', source: rel(path), source_sha256: fileSha(path), note: 'report is not JSON' };
  }
  const num = (key: string): number | undefined =>
    typeof report[key] === 'number' ? report[key] : undefined;
  const failed = (num('numFailedTests') ?? 0) + (num('numRuntimeErrorTestSuites') ?? 0);
  const total = num('numTotalTests');
  const status: RunStatus =
    total === undefined
      ? 'unknown'
      : report.success === true && failed === 0 && total > 0
        ? 'passed'
        : 'failed';
  const started = num('startTime');
  return {
    status,
    source: rel(path),
    source_sha256: fileSha(path),
    ...(started === undefined ? {} : { started_at: new Date(started).toISOString() }),
    ...(total === undefined ? {} : { total }),
    ...(num('numPassedTests') === undefined ? {} : { passed: num('numPassedTests') }),
    failed,
    skipped: (num('numPendingTests') ?? 0) + (num('numTodoTests') ?? 0),
    ...(num('numTotalTestSuites') === undefined ? {} : { suites: num('numTotalTestSuites') }),
  };
};

/**
 * Reads the parity run's summary.json (apps/parity-harness `ParitySummary`: mode, totals,
 * exitCode). The mismatch list can be large, so the evidence keeps the headline fields and the
 * file's digest; other JSON shapes are embedded whole when small.
 */
export const readParityEvidence = (path: string): ParityEvidence => {
  if (!existsSync(path))
    return { status: 'not run', source: rel(path), note: 'no parity summary at this path' };
  let summary: unknown;
  try {
    summary = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return {
      status: 'unknown',
      source: rel(path),
      source_sha256: fileSha(path),
      note: 'summary is not JSON',
    };
  }
  const s = (typeof summary === 'object' && summary !== null ? summary : {}) as Record<string, unknown>;
  const totals = (typeof s.totals === 'object' && s.totals !== null ? s.totals : {}) as Record<
    string,
    unknown
  >;
  let status: RunStatus = 'unknown';
  if (s.status === 'passed' || s.status === 'failed') status = s.status;
  else if (typeof s.exitCode === 'number') status = s.exitCode === 0 ? 'passed' : 'failed';
  else if (typeof s.ok === 'boolean') status = s.ok ? 'passed' : 'failed';
  else {
    const bad = [totals.mismatches, s.mismatches, s.failed, s.failures].find((v) => typeof v === 'number');
    if (typeof bad === 'number') status = bad === 0 ? 'passed' : 'failed';
  }
  const headline = Object.fromEntries(
    ['mode', 'seed', 'numRuns', 'command', 'startedAt', 'durationMs', 'totals', 'exitCode'].flatMap((k) =>
      k in s ? [[k, s[k]]] : [],
    ),
  );
  const whole = JSON.stringify(summary);
  return {
    status,
    source: rel(path),
    source_sha256: fileSha(path),
    recorded_at: typeof s.startedAt === 'string' ? s.startedAt : statSync(path).mtime.toISOString(),
    summary: 'totals' in s ? headline : whole.length <= 16_384 ? summary : headline,
  };
};

/** Where `pnpm parity` leaves its summary: the repository root when run from there, else the harness. */
export const defaultParityReport = (): string => {
  const candidates = [
    join(ROOT, 'parity-report', 'summary.json'),
    join(ROOT, 'apps', 'parity-harness', 'parity-report', 'summary.json'),
  ];
  return candidates.find((path) => existsSync(path)) ?? candidates[0] ?? '';
};

export const gitState = (): ReleaseEvidence['git'] => {
  try {
    const commit = run('git', ['rev-parse', 'HEAD']).trim();
    const dirty = run('git', ['status', '--porcelain', '--untracked-files=no']).trim() !== '';
    const ref = process.env.GITHUB_REF;
    return { commit, dirty, ...(ref ? { ref } : {}) };
  } catch {
    return { commit: null, dirty: null };
  }
};

export const ciContext = (): Record<string, string> | undefined => {
  const keys = [
    'GITHUB_REPOSITORY',
    'GITHUB_RUN_ID',
    'GITHUB_RUN_ATTEMPT',
    'GITHUB_WORKFLOW',
    'GITHUB_SHA',
    'RUNNER_OS',
  ];
  const found = Object.fromEntries(
    keys.flatMap((k) => (process.env[k] ? [[k.toLowerCase(), process.env[k] ?? '']] : [])),
  );
  return Object.keys(found).length > 0 ? found : undefined;
};

export const pnpmVersion = (): string | null => {
  try {
    return run('pnpm', ['--version']).trim();
  } catch {
    return null;
  }
};

export const packageList = (
  packages: readonly { pkg: PublicPackage; artifact: ArtifactInfo }[],
): ReleaseEvidence['packages'] =>
  packages.map(({ pkg, artifact }) => ({ name: pkg.name, version: pkg.version, tarball: artifact.name }));
