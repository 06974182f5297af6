/**
 * `pnpm bench` (part 2): the cost of the hash-chained evidence log (`--evidence-log`), measured
 * side by side in one run on the recorded corpus's pack-route requests:
 *
 *   in-process decisions/s: log off | on, fsync never | on, fsync interval (default) | on, fsync always
 *   --batch end to end (built CLI): log off | on (default fsync interval)
 *
 * The in-process modes are measured in interleaved rounds (median of the rounds), so that all of
 * them see the same machine load. Results: bench-results/evidence-log.json at the repository root.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDecisionEngine } from '@cavra/engine';
import { openEvidenceLog, recordDecision, verifyEvidenceLogFile, type FsyncPolicy } from '@cavra/evidence';
import { readCorpus } from '@cavra/test-fixtures';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = `${ROOT}packages/cli/dist/bin.cjs`;
const quick = process.argv.includes('--quick');
const work = mkdtempSync(join(tmpdir(), 'cavra-bench-evidence-'));

const requests = readCorpus()
  .filter((c) => !c.policy_file && !c.registry)
  .map((c) => c.request);
const engine = createDecisionEngine({});

type Mode = 'off' | FsyncPolicy;
const MODES: readonly Mode[] = ['off', 'never', 'interval', 'always'];
const roundSeconds = quick ? 0.3 : 1;
const rounds = quick ? 2 : 5;

let logCounter = 0;
/** Decides (and records) requests for about `roundSeconds`; returns decisions per second. */
function measure(mode: Mode): number {
  const path = join(work, `log-${logCounter++}.jsonl`);
  const log = mode === 'off' ? undefined : openEvidenceLog(path, { fsync: mode });
  let count = 0;
  const started = performance.now();
  const deadline = started + roundSeconds * 1000;
  while (performance.now() < deadline) {
    // Small steps, so that the slow fsync-always mode does not overrun the round by much.
    for (let i = 0; i < 64; i++) {
      const request = requests[count % requests.length];
      const decision = engine.decide(request);
      if (log) recordDecision(log, request, decision);
      count++;
    }
  }
  void log?.close();
  const rate = count / ((performance.now() - started) / 1000);
  if (log && !verifyEvidenceLogFile(path).ok) throw new Error(`the ${mode} log does not verify`);
  rmSync(path, { force: true });
  return rate;
}

const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

for (const mode of MODES) measure(mode); // warm-up: every path compiled before it is timed
const samples = new Map<Mode, number[]>(MODES.map((mode) => [mode, []]));
for (let round = 0; round < rounds; round++) for (const mode of MODES) samples.get(mode)?.push(measure(mode));
const inProcess = Object.fromEntries(
  MODES.map((mode) => [mode, Math.round(median(samples.get(mode) ?? []))]),
) as Record<Mode, number>;

/** The built CLI in batch mode over `file`; wall-clock decisions per second. */
function runBatch(file: string, lines: number, extra: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [BIN, '--batch', '--input', file, ...extra], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let answered = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) answered++;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0 || answered !== lines)
        reject(new Error(`batch exited ${code} after ${answered} of ${lines} lines`));
      else resolve(lines / ((performance.now() - started) / 1000));
    });
  });
}
const batchLines = Array.from({ length: quick ? 1 : 4 }, () => requests.map((r) => JSON.stringify(r))).flat();
const batchFile = join(work, 'batch.jsonl');
writeFileSync(batchFile, `${batchLines.join('\n')}\n`);
const batchOff: number[] = [];
const batchOn: number[] = [];
for (let round = 0; round < (quick ? 1 : 3); round++) {
  batchOff.push(await runBatch(batchFile, batchLines.length, []));
  const log = join(work, `batch-${round}.jsonl`);
  batchOn.push(await runBatch(batchFile, batchLines.length, ['--evidence-log', log]));
  if (verifyEvidenceLogFile(log).records !== batchLines.length)
    throw new Error('the batch log is incomplete');
  rmSync(log);
}
rmSync(work, { recursive: true, force: true });

const ratio = (a: number, b: number): number => Number((a / b).toFixed(2));
const results = {
  machine: { node: process.version, cpus: (await import('node:os')).cpus().length },
  requests: requests.length,
  in_process_decisions_per_s: inProcess,
  in_process_cost_vs_off: {
    never: ratio(inProcess.off, inProcess.never),
    interval: ratio(inProcess.off, inProcess.interval),
    always: ratio(inProcess.off, inProcess.always),
  },
  batch: {
    lines: batchLines.length,
    off_decisions_per_s: Math.round(median(batchOff)),
    on_interval_decisions_per_s: Math.round(median(batchOn)),
    cost_vs_off: ratio(median(batchOff), median(batchOn)),
  },
};
const fmt = (n: number): string => n.toLocaleString('en');
console.log(
  `evidence log, in-process decisions/s (median of ${rounds} interleaved rounds): off ${fmt(inProcess.off)} | ` +
    `fsync never ${fmt(inProcess.never)} | interval ${fmt(inProcess.interval)} | always ${fmt(inProcess.always)}`,
);
console.log(
  `evidence log, --batch end to end over ${fmt(batchLines.length)} lines: off ${fmt(results.batch.off_decisions_per_s)}/s | ` +
    `on (fsync interval) ${fmt(results.batch.on_interval_decisions_per_s)}/s (${results.batch.cost_vs_off}x slower)`,
);
mkdirSync(`${ROOT}bench-results`, { recursive: true });
writeFileSync(`${ROOT}bench-results/evidence-log.json`, `${JSON.stringify(results, null, 2)}\n`);
console.log('written: bench-results/evidence-log.json');
