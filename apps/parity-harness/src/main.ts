import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bundledPackSource, isCavraError, type PackSource } from '@cavra/policy-model';
import { directoryPackSource } from '@cavra/policy-model/node';
import { isFixtureFormatError, readCorpusLines, readRegressionLines } from '@cavra/test-fixtures';
import { USAGE, parseParityArgs, reproduceCommand, type ParityOptions } from './args.js';
import { EXIT, HarnessError, isHarnessError } from './errors.js';
import { FAMILIES } from './families/index.js';
import type { AnyCaseFamily, TypeScriptContext } from './family.js';
import { ORACLE_DIR, REGRESSIONS_DIR, VENDORED_PACKS_DIR } from './paths.js';
import { resolveCheckout } from './oracle/python-env.js';
import { ProgressReporter, type ProgressStream } from './report/progress.js';
import { buildSummary, writeReports, type ParitySummary } from './report/summary.js';
import { runLive } from './run/live-run.js';
import { runRecorded } from './run/recorded-run.js';
import { recordRegressions } from './run/regressions.js';
import type { MismatchRecord, PackResult } from './run/types.js';
import { TypeScriptSide } from './typescript-side.js';

export interface ParityIo {
  stdout: ProgressStream;
  stderr: { write(chunk: string): unknown };
  env: Readonly<Record<string, string | undefined>>;
  /** Base for relative paths: where the user typed the command (pnpm's INIT_CWD), else the cwd. */
  cwd: string;
  /** Extra environment for Python processes (tests plant stand-in behaviour with it). */
  pythonEnv?: Readonly<Record<string, string>>;
  /** The case families to run (default: every registered family, `families/index.ts`). */
  families?: readonly AnyCaseFamily[];
}

export interface ParityRun {
  exitCode: number;
  summary?: ParitySummary;
  reportDir?: string;
}

/** `pnpm parity`: recorded or live parity, reports, exit status 0/1/2. */
export async function runParity(argv: readonly string[], io: ParityIo): Promise<ParityRun> {
  let options: ParityOptions;
  try {
    options = parseParityArgs(argv, io.env);
  } catch (error) {
    io.stderr.write(`parity: ${(error as Error).message}\n\n${USAGE}`);
    return { exitCode: EXIT.setup };
  }
  if (options.help) {
    io.stdout.write(USAGE);
    return { exitCode: EXIT.ok };
  }
  const progress = new ProgressReporter(io.stdout);
  const command = reproduceCommand(options);
  progress.note(
    `parity: seed ${options.seed}${options.seedGiven ? '' : ' (random)'}; reproduce with: ${command}`,
  );
  try {
    return await execute(options, io, progress, command);
  } catch (error) {
    if (isHarnessError(error) || isCavraError(error) || isFixtureFormatError(error)) {
      io.stderr.write(`parity: setup error [${error.code}]: ${error.message}\n`);
      return { exitCode: EXIT.setup };
    }
    throw error;
  }
}

/** What a mode hands the report. */
interface ModeResult {
  packs: PackResult[];
  mismatches: MismatchRecord[];
  python: ParitySummary['python'];
  rate: number | null;
  notes: string[];
}

/** What both modes share: the options, the TypeScript side, the families and where things are. */
interface RunSetup {
  options: ParityOptions;
  io: ParityIo;
  progress: ProgressReporter;
  started: Date;
  packSource: PackSource;
  policyDir: string | undefined;
  typescript: TypeScriptContext;
  families: readonly AnyCaseFamily[];
  regressionsDir: string;
}

async function execute(
  options: ParityOptions,
  io: ParityIo,
  progress: ProgressReporter,
  command: string,
): Promise<ParityRun> {
  const started = new Date();
  const t0 = performance.now();
  const policyDir = options.policyDir ? resolve(io.cwd, options.policyDir) : undefined;
  const packSource: PackSource = policyDir ? directoryPackSource(policyDir) : bundledPackSource;
  const setup: RunSetup = {
    options,
    io,
    progress,
    started,
    packSource,
    policyDir,
    typescript: { decisions: new TypeScriptSide(packSource), packSource },
    families: io.families ?? FAMILIES,
    regressionsDir: options.regressionsDir ? resolve(io.cwd, options.regressionsDir) : REGRESSIONS_DIR,
  };
  const result = options.pythonRoot
    ? await executeLive(setup, options.pythonRoot)
    : await executeRecorded(setup);

  const summary = buildSummary({
    mode: options.pythonRoot ? 'live' : 'recorded',
    seed: options.seed,
    numRuns: options.pythonRoot ? options.numRuns : null,
    command,
    startedAt: started,
    durationMs: performance.now() - t0,
    python: result.python,
    packs: result.packs,
    mismatches: result.mismatches,
    oracleCasesPerSecond: result.rate,
    notes: result.notes,
    families: setup.families.map(({ id, title, counts }) => ({ id, title, counts })),
  });
  const reportDir = resolve(io.cwd, options.report);
  const paths = writeReports(reportDir, summary);
  for (const n of result.notes) progress.note(`parity: ${n}`);
  const allowed =
    Object.entries(summary.allowedDifferences)
      .map(([k, n]) => `${k} × ${n}`)
      .join(', ') || 'none';
  progress.note(
    `parity: ${summary.mode} ${summary.totals.cases} cases, ${summary.totals.packs} packs, ${summary.totals.mismatches} unexplained mismatch(es), allowed differences: ${allowed}, ${summary.totals.unreachedRules} unreached reachable rule(s)${result.rate ? `, oracle ${result.rate} cases/s` : ''}`,
  );
  progress.note(`parity: reports in ${paths.json}, ${paths.markdown}, ${paths.junit}`);
  if (summary.exitCode !== EXIT.ok) progress.note(`parity: FAILED — reproduce with: ${command}`);
  return { exitCode: summary.exitCode, summary, reportDir };
}

/** Live mode: Python at `--python-root`, then `--record` of the counterexamples. */
async function executeLive(setup: RunSetup, pythonRoot: string): Promise<ModeResult> {
  const { options, io, progress } = setup;
  const notes: string[] = [];
  const checkout = resolveCheckout(
    resolve(io.cwd, pythonRoot),
    options.python,
    setup.policyDir ?? VENDORED_PACKS_DIR,
  );
  const workDir = mkdtempSync(join(tmpdir(), 'cavra-parity-'));
  try {
    const live = await runLive({
      families: setup.families,
      checkout,
      packs: options.packs,
      settings: { seed: options.seed, numRuns: options.numRuns, cliChecksPerPack: options.cliChecks },
      typescript: setup.typescript,
      packSource: setup.packSource,
      workDir,
      ...(io.pythonEnv ? { pythonEnv: io.pythonEnv } : {}),
      onProgress: (p) => progress.update(p),
      onNote: (line) => progress.note(line),
    });
    const drift = packDrift(join(checkout.root, 'policies'), checkout.policyDir, live.python.packList);
    if (drift.length) {
      notes.push(
        `the checkout's own policies/ differ from the packs both sides used (${checkout.policyDir}): ${drift.join(', ')}`,
      );
    }
    if (options.record && live.python.adapter.standin && !options.regressionsDir) {
      notes.push(
        '--record refused: the oracle is the stand-in cavra package, not Python (use --regressions-dir to record anyway)',
      );
    } else if (options.record) {
      const decisions = live.mismatches.filter((m) => m.kind === 'decision');
      const shrunk = decisions.filter((m) => m.shrunk);
      const written = recordRegressions(
        setup.regressionsDir,
        shrunk.length ? shrunk : decisions,
        live.policies,
        {
          seed: options.seed,
          python: live.python.version,
          date: setup.started.toISOString(),
        },
      );
      notes.push(`--record: ${written} new counterexample(s) written to ${setup.regressionsDir}`);
    }
    return {
      packs: live.packs,
      mismatches: live.mismatches,
      python: {
        version: live.python.version,
        root: checkout.root,
        interpreter: checkout.python,
        adapterPython: live.python.adapter.python,
        cavra: live.python.adapter.cavra,
      },
      rate: live.throughput.casesPerSecond,
      notes,
    };
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** Recorded mode: the corpus and fixtures/regressions, no Python. */
async function executeRecorded(setup: RunSetup): Promise<ModeResult> {
  const { options, packSource } = setup;
  const notes: string[] = [];
  if (options.record)
    notes.push('--record has no effect in recorded mode (there is no Python answer to record)');
  const lines = [...readCorpusLines(), ...readRegressionLines(setup.regressionsDir)];
  const recorded = await runRecorded({
    families: setup.families,
    lines,
    ...(options.packs.length ? { packs: options.packs } : {}),
    typescript: setup.typescript,
    packSource,
    oracleDir: ORACLE_DIR,
    onProgress: (p) => setup.progress.update(p),
  });
  const known = new Set([
    ...packSource.listPackIds(),
    ...recorded.packs.filter((p) => p.cases > 0).map((p) => p.id),
  ]);
  const unknown = options.packs.filter((p) => !known.has(p));
  if (unknown.length) throw new HarnessError('usage', `unknown pack(s): ${unknown.join(', ')}`);
  notes.push(
    `recorded mode: ${lines.length} recorded lines (corpus + regressions); no Python checkout given`,
  );
  return {
    packs: recorded.packs,
    mismatches: recorded.mismatches,
    python: null,
    rate: null,
    notes,
  };
}

/**
 * Packs whose policy.yaml in the checkout differs from the directory both sides used. Not a
 * mismatch (both sides saw the same packs), but a vendored pack out of date is worth a note.
 */
function packDrift(checkoutPolicies: string, used: string, ids: readonly string[]): string[] {
  if (!existsSync(checkoutPolicies) || resolve(checkoutPolicies) === resolve(used)) return [];
  return ids.filter((id) => {
    const a = join(checkoutPolicies, id, 'policy.yaml');
    const b = join(used, id, 'policy.yaml');
    return !existsSync(a) || !existsSync(b) || !readFileSync(a).equals(readFileSync(b));
  });
}
