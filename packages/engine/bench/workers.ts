/**
 * `pnpm --filter @cavra/engine bench`: does the batch worker pool pay on this machine? Side by
 * side in one run, on the same 50,000 corpus requests, median of 5 interleaved rounds:
 *
 *   in-process   runBatch (one thread) vs runPooledBatch with 1, 2 and 3 workers (the pool's
 *                start-up included: a fresh pool per run, as a --batch process pays it)
 *   process      cavra-runtime --batch --workers 1 | 2 | auto (needs the CLI built), and the
 *                same on a 100-line input (auto must not be slower than one thread there)
 *
 * `--quick` uses 10,000 lines and 3 rounds; `--in-process` skips the process contenders. The load average is printed with the numbers.
 */
import { spawn } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createDecisionEngine, engineAnswerer, runBatch } from '@cavra/engine';
import { BatchWorkerPool, runPooledBatch } from '@cavra/engine/node';
import { readCorpus } from '@cavra/test-fixtures';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = `${ROOT}packages/cli/dist/bin.cjs`;
// The built worker entry (tsx maps @cavra/engine/node to its sources, whose entry is TypeScript).
const WORKER_SCRIPT = `${ROOT}packages/engine/dist/node/batch-worker-entry.js`;
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
writeFileSync(batchFile, corpusLines(LINES));
writeFileSync(smallFile, corpusLines(100));

/** A sink that counts output lines (so every contender must produce every line). */
const countingSink = (): Writable & { lines: number } => {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) sink.lines++;
      done();
    },
  }) as Writable & { lines: number };
  sink.lines = 0;
  return sink;
};

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

type Contender = [name: string, lines: number, run: () => Promise<number>];
const inProcess: Contender[] = [
  [
    'runBatch, one thread (in-process)',
    LINES,
    async () => {
      const out = countingSink();
      await runBatch(createReadStream(batchFile), engineAnswerer(engine), (bytes) => void out.write(bytes));
      return out.lines;
    },
  ],
  ['runPooledBatch, 1 worker + this thread (in-process, pool start included)', LINES, pooled(1)],
  ['runPooledBatch, 2 workers + this thread (in-process, pool start included)', LINES, pooled(2)],
  ['runPooledBatch, 3 workers + this thread (in-process, pool start included)', LINES, pooled(3)],
  ['runPooledBatch, 2 workers only (in-process, pool start included)', LINES, pooled(2, false)],
];
const processes: Contender[] = existsSync(BIN) && !process.argv.includes('--in-process')
  ? [
      ['cavra-runtime --batch --workers 1 (process)', LINES, cli(batchFile, '1')],
      ['cavra-runtime --batch --workers 2 (process)', LINES, cli(batchFile, '2')],
      ['cavra-runtime --batch --workers auto (process)', LINES, cli(batchFile, 'auto')],
      ['cavra-runtime --batch --workers 1, 100 lines (process)', 100, cli(smallFile, '1')],
      ['cavra-runtime --batch --workers auto, 100 lines (process)', 100, cli(smallFile, 'auto')],
    ]
  : [];
const contenders = [...inProcess, ...processes];

console.log(`machine: ${cpus().length} CPUs, Node ${process.version}, load average ${load()} at start`);
console.log(`${fmt(LINES)} corpus lines, median of ${ROUNDS} interleaved rounds (after one warm-up round)`);
if (processes.length === 0) console.log('  (process contenders skipped: build the CLI first, packages/cli/dist/bin.cjs is missing)');
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
const baseline = median(rates.get(contenders[0]?.[0] as string) as number[]);
const cliBaseline = processes.length > 0 ? median(rates.get(processes[0]?.[0] as string) as number[]) : 0;
const smallBaseline = processes.length > 0 ? median(rates.get(processes[3]?.[0] as string) as number[]) : 0;
for (const [name, lines] of contenders) {
  const rate = median(rates.get(name) as number[]);
  const against = lines === 100 ? smallBaseline : name.includes('(process') ? cliBaseline : baseline;
  const ms = lines === 100 ? `  ${(1000 * lines / rate).toFixed(1)} ms/run` : '';
  console.log(`  ${fmt(rate).padStart(9)} lines/s  ${(rate / against).toFixed(2)}x  ${name}${ms}`);
}
console.log(`load average ${load()} at the end`);
rmSync(work, { recursive: true, force: true });
