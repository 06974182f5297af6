import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bundledPackSource, directoryPackSource, isCavraError, type PackSource } from '@cavra/policy-model';
import { USAGE, parseParityArgs, reproduceCommand, type ParityOptions } from './args.js';
import { EXIT, HarnessError, isHarnessError } from './errors.js';
import { ORACLE_DIR, REGRESSIONS_DIR, VENDORED_PACKS_DIR } from './paths.js';
import { resolveCheckout } from './oracle/python-env.js';
import { loadCorpus, loadRegressions } from './oracle/recorded.js';
import { ProgressReporter, type ProgressStream } from './report/progress.js';
import { buildSummary, writeReports, type ParitySummary } from './report/summary.js';
import { runLive } from './run/live-run.js';
import { runLiveFamilies, runRecordedFamilies } from './families/index.js';
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
    if (isHarnessError(error) || isCavraError(error)) {
      io.stderr.write(`parity: setup error [${error.code}]: ${error.message}\n`);
      return { exitCode: EXIT.setup };
    }
    throw error;
  }
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
  const typescript = new TypeScriptSide(packSource);
  const regressionsDir = options.regressionsDir ? resolve(io.cwd, options.regressionsDir) : REGRESSIONS_DIR;
  const reportDir = resolve(io.cwd, options.report);
  const notes: string[] = [];
  let packs: PackResult[];
  let mismatches: MismatchRecord[];
  let python: ParitySummary['python'] = null;
  let rate: number | null = null;

  if (options.pythonRoot) {
    const checkout = resolveCheckout(
      resolve(io.cwd, options.pythonRoot),
      options.python,
      policyDir ?? VENDORED_PACKS_DIR,
    );
    const workDir = mkdtempSync(join(tmpdir(), 'cavra-parity-'));
    try {
      const live = await runLive({
        checkout,
        packs: options.packs,
        seed: options.seed,
        numRuns: options.numRuns,
        typescript,
        packSource,
        workDir,
        cliChecksPerPack: options.cliChecks,
        ...(io.pythonEnv ? { pythonEnv: io.pythonEnv } : {}),
        onProgress: (p) => progress.update(p),
        onNote: (line) => progress.note(line),
      });
      packs = live.packs;
      mismatches = live.mismatches;
      // Families beyond the five action types (release governance, approval routing): one hook.
      const families = await runLiveFamilies({
        checkout,
        ...(io.pythonEnv ? { pythonEnv: io.pythonEnv } : {}),
        packSource,
        packs: options.packs.length ? options.packs : packSource.listPackIds(),
        seed: options.seed,
        numRuns: options.numRuns,
        oracleDir: ORACLE_DIR,
      });
      packs.push(...families.packs);
      mismatches.push(...families.mismatches);
      const drift = packDrift(join(checkout.root, 'policies'), checkout.policyDir, live.python.packList);
      if (drift.length) {
        notes.push(
          `the checkout's own policies/ differ from the packs both sides used (${checkout.policyDir}): ${drift.join(', ')}`,
        );
      }
      rate = live.throughput.casesPerSecond;
      python = {
        version: live.python.version,
        root: checkout.root,
        interpreter: checkout.python,
        adapterPython: live.python.adapter.python,
        cavra: live.python.adapter.cavra,
      };
      if (options.record && live.python.adapter.standin && !options.regressionsDir) {
        notes.push(
          '--record refused: the oracle is the stand-in cavra package, not Python (use --regressions-dir to record anyway)',
        );
      } else if (options.record) {
        const shrunk = mismatches.filter((m) => m.kind === 'decision' && m.shrunk);
        const toRecord = shrunk.length ? shrunk : mismatches.filter((m) => m.kind === 'decision');
        const written = recordRegressions(regressionsDir, toRecord, live.policies, {
          seed: options.seed,
          python: live.python.version,
          date: started.toISOString(),
        });
        notes.push(`--record: ${written} new counterexample(s) written to ${regressionsDir}`);
      }
    } finally {
      rmSync(workDir, { recursive: true, force: true });
    }
  } else {
    if (options.record)
      notes.push('--record has no effect in recorded mode (there is no Python answer to record)');
    const cases = [...loadCorpus(ORACLE_DIR), ...loadRegressions(regressionsDir, ORACLE_DIR)];
    const known = new Set([...packSource.listPackIds(), ...cases.map((c) => c.case.pack)]);
    const unknown = options.packs.filter((p) => !known.has(p));
    if (unknown.length) throw new HarnessError('usage', `unknown pack(s): ${unknown.join(', ')}`);
    const recorded = runRecorded({
      cases,
      ...(options.packs.length ? { packs: options.packs } : {}),
      typescript,
      packSource,
      oracleDir: ORACLE_DIR,
      onProgress: (p) => progress.update(p),
    });
    packs = recorded.packs;
    mismatches = recorded.mismatches;
    const families = runRecordedFamilies(ORACLE_DIR, packSource);
    packs.push(...families.packs);
    mismatches.push(...families.mismatches);
    notes.push(
      `recorded mode: ${cases.length} recorded cases (corpus + regressions); no Python checkout given`,
    );
  }

  const summary = buildSummary({
    mode: options.pythonRoot ? 'live' : 'recorded',
    seed: options.seed,
    numRuns: options.pythonRoot ? options.numRuns : null,
    command,
    startedAt: started,
    durationMs: performance.now() - t0,
    python,
    packs,
    mismatches,
    oracleCasesPerSecond: rate,
    notes,
  });
  const paths = writeReports(reportDir, summary);
  for (const n of notes) progress.note(`parity: ${n}`);
  const allowed =
    Object.entries(summary.allowedDifferences)
      .map(([k, n]) => `${k} × ${n}`)
      .join(', ') || 'none';
  progress.note(
    `parity: ${summary.mode} ${summary.totals.cases} cases, ${summary.totals.packs} packs, ${summary.totals.mismatches} unexplained mismatch(es), allowed differences: ${allowed}, ${summary.totals.unreachedRules} unreached reachable rule(s)${rate ? `, oracle ${rate} cases/s` : ''}`,
  );
  progress.note(`parity: reports in ${paths.json}, ${paths.markdown}, ${paths.junit}`);
  if (summary.exitCode !== EXIT.ok) progress.note(`parity: FAILED — reproduce with: ${command}`);
  return { exitCode: summary.exitCode, summary, reportDir };
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
