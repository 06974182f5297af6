import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CavraError } from '@cavra/policy-model';
import type { DecisionEngineSpec } from '@cavra/engine/node';

/** `--workers`: how many threads decide (this one included), or `auto`. */
export type WorkersFlag = { kind: 'auto' } | { kind: 'fixed'; workers: number };

/** The most threads `--workers N` lets decide. */
export const MAX_BATCH_WORKERS = 64;

/**
 * With `--workers auto`, a batch is answered in the main thread until it has proven large:
 * a worker costs tens of milliseconds to start, so a small batch must never wait for one. A
 * regular input file at least `AUTO_POOL_BYTES` large uses the workers from its first line.
 */
export const AUTO_POOL_AFTER = { lines: 80_000, bytes: 8 * 1024 * 1024 } as const;
export const AUTO_POOL_BYTES = 8 * 1024 * 1024;

/** `--workers N|auto` (absent: auto). Anything else is a usage error (exit 2). */
export function parseWorkersFlag(value: string | undefined): WorkersFlag {
  if (value === undefined || value === 'auto') return { kind: 'auto' };
  const workers = /^[0-9]{1,3}$/.test(value) ? Number(value) : Number.NaN;
  if (!(workers >= 0 && workers <= MAX_BATCH_WORKERS)) {
    throw new CavraError('usage', `--workers must be auto or a whole number from 0 to ${MAX_BATCH_WORKERS}, got ${JSON.stringify(value)}`);
  }
  return { kind: 'fixed', workers };
}

/**
 * How a batch run uses worker threads: `workers` threads besides this one (which reads, cuts
 * blocks, writes, and decides the blocks no worker is free for), started after `startAfter`.
 */
export interface BatchPooling {
  workers: number;
  spec: DecisionEngineSpec;
  script: string;
  startAfter: { lines: number; bytes: number };
}

/**
 * The worker threads `auto` starts besides this thread, for `cores` cores: one per further core,
 * at most AUTO_MAX_WORKERS. Measured on this project's 2-core machine (`--batch` processes, side by
 * side): one worker gives 1.1x on 50,000 lines (5 MiB), 1.3x on 100,000 (11 MiB) and 1.47x on
 * 200,000 (22 MiB), hence one worker and only for inputs past 8 MiB (see docs/server.md).
 */
export const AUTO_MAX_WORKERS = 1;
export const autoWorkerCount = (cores: number = availableParallelism()): number => Math.max(0, Math.min(cores - 1, AUTO_MAX_WORKERS));

/** The worker entry shipped next to the running CLI (dist/batch-worker.cjs). */
export function batchWorkerScript(): string {
  const here = dirname(typeof __filename === 'string' ? __filename : fileURLToPath(import.meta.url));
  return join(here, 'batch-worker.cjs');
}

/** The size of a regular input file, or undefined (stdin, a FIFO, a device). */
function regularFileSize(path: string | undefined): number | undefined {
  if (path === undefined) return undefined;
  try {
    const stat = statSync(path);
    return stat.isFile() ? stat.size : undefined;
  } catch {
    return undefined;
  }
}

/** `--workers N` (N >= 2) with `--evidence-log` or `--daemon` is a usage error (see `batchPooling`). */
export function checkWorkersCombination(flag: WorkersFlag, options: { evidenceLog: boolean; daemon: boolean }): void {
  if (flag.kind !== 'fixed' || flag.workers < 2) return;
  if (options.evidenceLog) {
    throw new CavraError('usage', '--workers N (N >= 2) cannot be used with --evidence-log: one thread records the log, in input order');
  }
  if (options.daemon) throw new CavraError('usage', '--workers N (N >= 2) cannot be used with --daemon');
}

/**
 * Whether and how `--batch` uses workers. `--workers 0` or `1` is the single-thread path;
 * `N >= 2` starts N - 1 workers at once (N threads decide); `auto` starts `autoWorkerCount()`
 * workers once the input has proven large (at once for a large regular file), or none. Decisions recorded in an evidence log are
 * made and recorded by one thread in input order, so the log (and `--daemon`, whose server has its
 * own options) never use workers: `auto` stays in one thread there, `N >= 2` is a usage error.
 */
export function batchPooling(options: {
  flag: WorkersFlag;
  spec: DecisionEngineSpec;
  /** The `--input` file (resolved), or undefined for stdin. */
  inputPath: string | undefined;
  evidenceLog: boolean;
  daemon: boolean;
  cores?: number;
  /** The worker entry (default: `batchWorkerScript()`). */
  script?: string;
  /** Workers `auto` starts (default: `autoWorkerCount(cores)`). */
  autoWorkers?: number;
}): BatchPooling | undefined {
  const { flag } = options;
  checkWorkersCombination(flag, options);
  if (options.evidenceLog || options.daemon) return undefined;
  const script = options.script ?? batchWorkerScript();
  if (flag.kind === 'fixed') {
    if (flag.workers < 2) return undefined;
    // Checked before any line is read: without it every line would be an internal error.
    if (!existsSync(script)) throw new CavraError('internal', `the batch worker entry ${script} is missing (run the built CLI)`);
    return { workers: flag.workers - 1, spec: options.spec, script, startAfter: { lines: 0, bytes: 0 } };
  }
  const workers = options.autoWorkers ?? autoWorkerCount(options.cores);
  // From sources (no build next to this file) auto stays in one thread.
  if (workers < 1 || !existsSync(script)) return undefined;
  const size = regularFileSize(options.inputPath);
  const startAfter = size !== undefined && size >= AUTO_POOL_BYTES ? { lines: 0, bytes: 0 } : AUTO_POOL_AFTER;
  return { workers, spec: options.spec, script, startAfter };
}
