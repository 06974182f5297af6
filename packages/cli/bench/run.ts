/**
 * `pnpm bench`: decision throughput and latency of the TypeScript enforcement plane, measured on
 * the recorded corpus's requests (fixtures/oracle). Needs a build (turbo runs `build` first).
 *
 *   pure evaluator in-process   target >= 1,000,000 decisions/s
 *   full decisions in-process   target >=   300,000 decisions/s (validation + evidence envelope)
 *   --batch end to end          target >=   120,000 decisions/s (10x Python's ~12,000/s here)
 *   single mode wall time       target <= 1.5x a bare `node -e 0`, measured in the same run
 *   hostile patterns            100,000-character targets in milliseconds
 *
 * Results are printed and written to bench-results/latest.json at the repository root.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DEFAULT_POLICY_PACK,
  compilePattern,
  evaluate,
  preparePolicy,
  type EvaluationContext,
  type PreparedPolicy,
} from '@cavra/evaluator';
import { bundledPackSource, loadPackPolicy, type PyDict } from '@cavra/policy-model';
import { buildTrustRegistry, type TrustRegistry } from '@cavra/registry';
import { createDecisionEngine, parseActionRequest, type DecisionEngine } from '@cavra/engine';
import { readCorpus, readOracleJson } from '@cavra/test-fixtures';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = `${ROOT}packages/cli/dist/bin.cjs`;
const quick = process.argv.includes('--quick');

const corpus = readCorpus();

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};

/** Repeat `round` until at least `seconds` have passed; returns items per second. */
function throughput(items: number, seconds: number, round: () => void): number {
  round(); // warm-up
  let rounds = 0;
  const started = performance.now();
  while (performance.now() - started < seconds * 1000) {
    round();
    rounds++;
  }
  return (rounds * items) / ((performance.now() - started) / 1000);
}

// --- in-process --------------------------------------------------------------------------------
// One context per route (compiled policy or pack label) and registry, built once.
const once = <T>(cache: Map<string, T>, key: string, make: () => T): T => {
  let value = cache.get(key);
  if (value === undefined) cache.set(key, (value = make()));
  return value;
};
const prepared = new Map<string, PreparedPolicy>();
const registries = new Map<string, TrustRegistry>();
const contexts = new Map<string, EvaluationContext>();
const typed = corpus.map((c) => {
  const request = parseActionRequest(c.request);
  const label = request.policy_pack || DEFAULT_POLICY_PACK;
  const route = c.policy_file ?? `pack:${label}`;
  const context = once(contexts, `${route}|${c.registry ?? '-'}`, () => {
    const policy = once(prepared, route, () =>
      preparePolicy(
        c.policy_file ? (readOracleJson(c.policy_file) as PyDict) : loadPackPolicy(bundledPackSource, label),
      ),
    );
    return {
      policy,
      fallbackLabel: (c.policy_file && policy.metadataId) || DEFAULT_POLICY_PACK,
      registry: c.registry
        ? once(registries, c.registry, () => buildTrustRegistry(readOracleJson(c.registry as string)))
        : undefined,
    };
  });
  return { request, context };
});

const seconds = quick ? 0.5 : 3;
const pureRate = throughput(typed.length, seconds, () => {
  for (const { request, context } of typed) evaluate(request, context);
});

const engines = new Map<string, DecisionEngine>();
const full = corpus.map((c) => {
  const key = `${c.policy_file}|${c.registry}`;
  let engine = engines.get(key);
  if (!engine) {
    engine = createDecisionEngine({
      ...(c.policy_file ? { compiledPolicy: readOracleJson(c.policy_file) } : {}),
      ...(c.registry ? { registry: readOracleJson(c.registry) } : {}),
    });
    engines.set(key, engine);
  }
  return { engine, request: c.request };
});
const fullRate = throughput(full.length, seconds, () => {
  for (const { engine, request } of full) engine.decide(request);
});

// --- hostile input -----------------------------------------------------------------------------
const hostile: [string, string][] = [];
for (const n of [8, 16, 64]) {
  const pattern = `${'*a'.repeat(n)}*b`;
  hostile.push(
    [pattern, 'a'.repeat(100_000)],
    [pattern, `${'a'.repeat(99_999)}\nb`],
    [pattern, 'ab'.repeat(50_000)],
  );
}
hostile.push(
  ['**/**/**/**/**/**/**/**/x', '/'.repeat(100_000)],
  [`${'*ab'.repeat(40)}*c`, 'ab'.repeat(50_000)],
);
let worstHostileMs = 0;
for (const [pattern, value] of hostile) {
  const matcher = compilePattern(pattern);
  const started = performance.now();
  matcher(value);
  worstHostileMs = Math.max(worstHostileMs, performance.now() - started);
}

// --- processes ---------------------------------------------------------------------------------
const work = mkdtempSync(join(tmpdir(), 'cavra-bench-'));
const packRoute = corpus.filter((c) => !c.policy_file && !c.registry).map((c) => JSON.stringify(c.request));
const repeat = quick ? 2 : 10;
const batchLines = Array.from({ length: repeat }, () => packRoute).flat();
const batchFile = join(work, 'batch.jsonl');
writeFileSync(batchFile, `${batchLines.join('\n')}\n`);

/** Run the CLI in batch mode on the file; wall time and peak RSS (Linux /proc). */
function runBatch(file: string): Promise<{ seconds: number; lines: number; peakRssMb: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [BIN, '--batch', '--input', file], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let lines = 0;
    let peak = 0;
    const poll = setInterval(() => {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
        const rss = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
        peak = Math.max(peak, rss);
      } catch {
        /* exited */
      }
    }, 20);
    child.stdout.on('data', (chunk: Buffer) => {
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(poll);
      if (code !== 0) reject(new Error(`batch exited ${code}`));
      else resolve({ seconds: (performance.now() - started) / 1000, lines, peakRssMb: peak / 1024 });
    });
  });
}

const small = join(work, 'small.jsonl');
writeFileSync(small, `${packRoute.slice(0, 20_000).join('\n')}\n`);
const batchSmall = await runBatch(small);
const batch = await runBatch(batchFile);
if (batch.lines !== batchLines.length)
  throw new Error(`batch answered ${batch.lines} of ${batchLines.length} lines`);

const singleRequest = JSON.stringify({ action_type: 'execute_command', target: 'terraform plan' });
const time = (args: string[], env: NodeJS.ProcessEnv, input?: string): number => {
  const started = performance.now();
  const result = spawnSync(process.execPath, args, { input, env, stdio: ['pipe', 'ignore', 'ignore'] });
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}`);
  return performance.now() - started;
};
/** Median wall times of `node -e 0` and of one single-mode decision, interleaved so both see the same load. */
function singleMode(env: NodeJS.ProcessEnv): { node: number; single: number } {
  const nodeTimes: number[] = [];
  const singleTimes: number[] = [];
  time([BIN], env, singleRequest); // the first run writes the code cache
  for (let i = 0; i < (quick ? 7 : 31); i++) {
    nodeTimes.push(time(['-e', '0'], env));
    singleTimes.push(time([BIN], env, singleRequest));
  }
  return { node: median(nodeTimes), single: median(singleTimes) };
}
// The environment as given (this machine sets NODE_EXTRA_CA_CERTS, which makes every Node start
// read a CA bundle), and a bare one without NODE_* variables, where Node itself starts fastest.
const asGiven = singleMode(process.env);
const bare = singleMode(
  Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('NODE_'))),
);

const results = {
  machine: { node: process.version, cpus: (await import('node:os')).cpus().length },
  corpus_requests: corpus.length,
  pure_evaluator_decisions_per_s: Math.round(pureRate),
  full_decisions_per_s: Math.round(fullRate),
  batch: {
    lines: batch.lines,
    seconds: Number(batch.seconds.toFixed(3)),
    decisions_per_s: Math.round(batch.lines / batch.seconds),
    peak_rss_mb: Number(batch.peakRssMb.toFixed(1)),
    peak_rss_mb_at_20k_lines: Number(batchSmall.peakRssMb.toFixed(1)),
  },
  single_mode: {
    median_ms: Number(asGiven.single.toFixed(1)),
    node_e_0_median_ms: Number(asGiven.node.toFixed(1)),
    ratio: Number((asGiven.single / asGiven.node).toFixed(2)),
    bare_env: {
      median_ms: Number(bare.single.toFixed(1)),
      node_e_0_median_ms: Number(bare.node.toFixed(1)),
      ratio: Number((bare.single / bare.node).toFixed(2)),
    },
  },
  worst_hostile_ms: Number(worstHostileMs.toFixed(2)),
};

const targets: [string, boolean, string][] = [
  [
    'pure evaluator',
    results.pure_evaluator_decisions_per_s >= 1_000_000,
    `${results.pure_evaluator_decisions_per_s.toLocaleString('en')} decisions/s (>= 1,000,000)`,
  ],
  [
    'full decisions',
    results.full_decisions_per_s >= 300_000,
    `${results.full_decisions_per_s.toLocaleString('en')} decisions/s (>= 300,000)`,
  ],
  [
    '--batch end to end',
    results.batch.decisions_per_s >= 120_000,
    `${results.batch.decisions_per_s.toLocaleString('en')} decisions/s over ${results.batch.lines.toLocaleString('en')} lines (>= 120,000 = 10x Python's ~12,000); peak RSS ${results.batch.peak_rss_mb} MB (${results.batch.peak_rss_mb_at_20k_lines} MB at 20,000 lines)`,
  ],
  [
    'single mode',
    results.single_mode.ratio <= 1.5,
    `${results.single_mode.median_ms} ms vs node -e 0 ${results.single_mode.node_e_0_median_ms} ms = ${results.single_mode.ratio}x (<= 1.5x); ` +
      `without NODE_* variables: ${results.single_mode.bare_env.median_ms} ms vs ${results.single_mode.bare_env.node_e_0_median_ms} ms = ${results.single_mode.bare_env.ratio}x`,
  ],
  [
    'hostile patterns',
    results.worst_hostile_ms < 50,
    `worst ${results.worst_hostile_ms} ms on 100,000-character targets`,
  ],
];
for (const [name, ok, text] of targets) console.log(`${ok ? 'PASS' : 'MISS'}  ${name.padEnd(20)} ${text}`);
mkdirSync(`${ROOT}bench-results`, { recursive: true });
writeFileSync(`${ROOT}bench-results/latest.json`, `${JSON.stringify(results, null, 2)}\n`);
console.log(`written: bench-results/latest.json`);
