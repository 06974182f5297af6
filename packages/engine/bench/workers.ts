/**
 * `pnpm --filter @cavra/engine bench`: does the batch worker pool pay on this machine? Side by
 * side in one run, on the same 50,000 corpus requests, median of 5 interleaved rounds:
 *
 *   in-process   runBatch (one thread) vs runPooledBatch with 1, 2 and 3 workers besides this
 *                thread (a fresh pool per run, start-up included, as a --batch process pays it),
 *                2 workers with this thread not deciding, and a warm pool reused (steady state)
 *   process      cavra-runtime --batch --workers 1 | 2 | 3 | auto (needs the CLI built); 1 vs
 *                auto vs 2 on a 100-line input (auto must not be slower than one thread there);
 *                1 vs 2 on 4x the lines (where the workers' start-up weighs less)
 *
 * `--quick` uses 10,000 lines and 3 rounds; `--in-process` skips the process contenders. The load average is printed with the numbers.
 */
import { spawn } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDecisionEngine, engineAnswerer, runBatch } from '@cavra/engine';
import { BatchWorkerPool, runPooledBatch } from '@cavra/engine/node';
import { countingSink, readCorpus } from '@cavra/test-fixtures';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = `${ROOT}packages/cli/dist/bin.cjs`;
// The worker entry the CLI ships (one bundled file: it starts in about 60 ms, the ES-module
// dist/node/batch-worker-entry.js in about 180 ms); tsx would map @cavra/engine/node to sources.
const WORKER_SCRIPT = `${ROOT}packages/cli/dist/batch-worker.cjs`;
const quick = process.argv.includes('--quick');
const LINES = quick ? 10_000 : 50_000;
const ROUNDS = quick ? 3 : 5;
const fmt = (n: number): string => Math.round(n).toLocaleString('en');
const load = (): string => loadavg().map((value) => value.toFixed(2)).join(' ');

const work = mkdtempSync(join(tmpdir(), 'cavra-workers-bench-'));
const packRequests = readCorpus()
  .filter((c) => !c.policy_file && !c.registry)
  .map((c) => JSON.stringify(c.request));
const corpusLines = (count: number): string =>
  `${Array.from({ length: count }, (_, i) => packRequests[i % packRequests.length] as string).join('\n')}\n`;
const batchFile = join(work, 'batch.jsonl');
const smallFile = join(work, 'small.jsonl');
const largeFile = join(work, 'large.jsonl');
writeFileSync(batchFile, corpusLines(LINES));
writeFileSync(smallFile, corpusLines(100));
writeFileSync(largeFile, corpusLines(4 * LINES));


const engine = createDecisionEngine();
const pooled = (workers: number, mainThreadDecides = true) => async (): Promise<number> => {
  const out = countingSink();
  // execArgv: [] keeps this script's tsx loader out of the workers (a --batch process has none).
  const pool = new BatchWorkerPool({ workers, spec: {}, script: WORKER_SCRIPT, execArgv: [] });
  try {
    await runPooledBatch(createReadStream(batchFile), (bytes) => void out.write(bytes), {
      answer: engineAnswerer(engine),
      pool: () => pool,
      mainThreadDecides,
    });
  } finally {
    await pool.close();
  }
  return out.lines;
};
const cli = (file: string, workers: string) => (): Promise<number> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, '--batch', '--workers', workers, '--input', file], { stdio: ['ignore', 'pipe', 'inherit'] });
    let count = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) count++;
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(count) : reject(new Error(`--batch --workers ${workers} exited ${String(code)}`))));
  });

// A pool started once and reused by every round: the steady state (a long-lived process), without start-up.
const warmPool = new BatchWorkerPool({ workers: 2, spec: {}, script: WORKER_SCRIPT, execArgv: [] });
const warm = async (): Promise<number> => {
  const out = countingSink();
  await runPooledBatch(createReadStream(batchFile), (bytes) => void out.write(bytes), { answer: engineAnswerer(engine), pool: () => warmPool });
  return out.lines;
};

/** name, lines, run, and the contender it is compared with (none: itself, the baseline). */
type Contender = [name: string, lines: number, run: () => Promise<number>, against?: string];
const SINGLE = 'runBatch, one thread (in-process)';
const inProcess: Contender[] = [
  [
    SINGLE,
    LINES,
    async () => {
      const out = countingSink();
      await runBatch(createReadStream(batchFile), engineAnswerer(engine), (bytes) => void out.write(bytes));
      return out.lines;
    },
  ],
  ['runPooledBatch, 1 worker + this thread (in-process, pool start included)', LINES, pooled(1), SINGLE],
  ['runPooledBatch, 2 workers + this thread (in-process, pool start included)', LINES, pooled(2), SINGLE],
  ['runPooledBatch, 3 workers + this thread (in-process, pool start included)', LINES, pooled(3), SINGLE],
  ['runPooledBatch, 2 workers only, this thread not deciding (in-process, pool start included)', LINES, pooled(2, false), SINGLE],
  ['runPooledBatch, 2 workers + this thread, warm pool started once (in-process, steady state)', LINES, warm, SINGLE],
];
const CLI_ONE = 'cavra-runtime --batch --workers 1 (process)';
const CLI_SMALL = 'cavra-runtime --batch --workers 1, 100 lines (process)';
const CLI_LARGE = `cavra-runtime --batch --workers 1, ${fmt(4 * LINES)} lines (process)`;
const processes: Contender[] =
  existsSync(BIN) && !process.argv.includes('--in-process')
    ? [
        [CLI_ONE, LINES, cli(batchFile, '1')],
        ['cavra-runtime --batch --workers 2 (process: this thread + 1 worker)', LINES, cli(batchFile, '2'), CLI_ONE],
        ['cavra-runtime --batch --workers 3 (process: this thread + 2 workers)', LINES, cli(batchFile, '3'), CLI_ONE],
        ['cavra-runtime --batch --workers auto (process)', LINES, cli(batchFile, 'auto'), CLI_ONE],
        [CLI_SMALL, 100, cli(smallFile, '1')],
        ['cavra-runtime --batch --workers auto, 100 lines (process)', 100, cli(smallFile, 'auto'), CLI_SMALL],
        ['cavra-runtime --batch --workers 2, 100 lines (process)', 100, cli(smallFile, '2'), CLI_SMALL],
        [CLI_LARGE, 4 * LINES, cli(largeFile, '1')],
        [`cavra-runtime --batch --workers 2, ${fmt(4 * LINES)} lines (process)`, 4 * LINES, cli(largeFile, '2'), CLI_LARGE],
      ]
    : [];
const contenders = [...inProcess, ...processes];

console.log(`machine: ${cpus().length} CPUs, Node ${process.version}, load average ${load()} at start`);
console.log(`${fmt(LINES)} corpus lines, median of ${ROUNDS} interleaved rounds (after one warm-up round)`);
if (processes.length === 0) console.log('  (process contenders skipped: --in-process, or the CLI is not built: packages/cli/dist/bin.cjs)');
const rates = new Map<string, number[]>();
for (const [, , run] of contenders) await run();
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, lines, run] of contenders) {
    const started = performance.now();
    const produced = await run();
    const seconds = (performance.now() - started) / 1000;
    if (produced !== lines) throw new Error(`${name} produced ${produced} of ${lines} lines`);
    rates.set(name, [...(rates.get(name) ?? []), lines / seconds]);
  }
}
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
const rateOf = (name: string): number => median(rates.get(name) as number[]);
for (const [name, lines, , against] of contenders) {
  const rate = rateOf(name);
  const ratio = against === undefined ? 'baseline' : `${(rate / rateOf(against)).toFixed(2)}x`;
  const ms = lines === 100 ? `  ${((1000 * lines) / rate).toFixed(1)} ms/run` : '';
  console.log(`  ${fmt(rate).padStart(9)} lines/s  ${ratio.padStart(8)}  ${name}${ms}`);
}
console.log(`load average ${load()} at the end`);
await warmPool.close();
rmSync(work, { recursive: true, force: true });
