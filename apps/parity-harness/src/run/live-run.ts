import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parsePyJson, type PackSource, type PyValue } from '@cavra/policy-model';
import { type Outcome, type ParityCase } from '../cases.js';
import { compareOutcomes, outcomeValue } from '../compare.js';
import { caseArbitrary, toParityCase } from '../generate/arbitraries.js';
import { packProfile, reachableRules } from '../generate/profile.js';
import { AdapterClient, type AdapterHello } from '../oracle/adapter.js';
import { AdapterOracle } from '../oracle/adapter-oracle.js';
import {
  mapLimit,
  pythonCompile,
  pythonEvaluate,
  pythonPolicyList,
  pythonVersion,
} from '../oracle/python-cli.js';
import type { PythonCheckout } from '../oracle/python-env.js';
import type { TypeScriptSide } from '../typescript-side.js';
import { compareCompileOutput, safeTypescriptCompile } from './compile-check.js';
import { runGeneratedPack } from './generated.js';
import type { CompileCheck, MismatchRecord, PackResult, Progress } from './types.js';

export interface LiveRunOptions {
  checkout: PythonCheckout;
  packs?: readonly string[];
  seed: number;
  numRuns: number;
  typescript: TypeScriptSide;
  packSource: PackSource;
  /** Scratch directory for Python's compiled policies (sent to the adapter as `policy_file`). */
  workDir: string;
  /** `evaluate --json` CLI spot checks per pack (one interpreter each, ~0.45 s with real cavra); default 1. */
  cliChecksPerPack?: number;
  /** Extra environment for every Python process (tests use it to plant stand-in behaviour). */
  pythonEnv?: Readonly<Record<string, string>>;
  adapterScript?: string;
  onProgress?: (progress: Progress) => void;
  onNote?: (line: string) => void;
}

export interface LiveRunResult {
  packs: PackResult[];
  mismatches: MismatchRecord[];
  python: { version: string; adapter: AdapterHello; packList: string[] };
  /** Compiled policies by the ref sent as `policy_file` (for `--record`). */
  policies: Map<string, PyValue>;
  throughput: { oracleCases: number; oracleMs: number; casesPerSecond: number };
}

/** Requests the `evaluate` command can express (docs/python-compatibility.md, "Driving Python for live parity"), with the request it is equivalent to. */
function cliEquivalent(c: ParityCase): { action: string; target: string; request: ParityCase } | undefined {
  if (c.policy || c.registry) return undefined;
  const action = c.request.get('action_type');
  const pack = c.request.get('policy_pack');
  if (typeof action !== 'string' || typeof pack !== 'string') return undefined;
  if (['session_id', 'agent_id', 'actor'].some((k) => c.request.has(k))) return undefined;
  const rawTarget = action === 'mcp_tool_call' ? c.request.get('server') : c.request.get('target');
  if (typeof rawTarget !== 'string' || rawTarget.includes('\u0000') || /[\ud800-\udfff]/u.test(rawTarget))
    return undefined;
  const base = new Map<PyValue, PyValue>([['action_type', action]]);
  switch (action) {
    case 'read_file':
    case 'write_file':
    case 'execute_command':
      base.set('target', rawTarget);
      break;
    case 'git_operation':
      base.set('target', rawTarget).set('operation', 'push');
      break;
    case 'mcp_tool_call':
      base.set('server', rawTarget).set('tool', 'unknown').set('capability', 'filesystem');
      break;
    default:
      return undefined;
  }
  base.set('policy_pack', pack);
  return { action, target: rawTarget, request: { pack: c.pack, request: base } };
}

const CLI_ACTIONS = ['read_file', 'write_file', 'execute_command', 'git_operation', 'mcp_tool_call'];

function lastErrorLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  return lines[lines.length - 1] ?? '';
}

/**
 * Live parity: `version`, `policy list`, `policy compile` per pack, one adapter process for the
 * generated cases, and `evaluate --json` spot checks.
 */
export async function runLive(options: LiveRunOptions): Promise<LiveRunResult> {
  const { checkout, typescript } = options;
  const env = options.pythonEnv ?? {};
  const note = options.onNote ?? (() => undefined);
  const mismatches: MismatchRecord[] = [];
  const t0 = performance.now();
  // The adapter imports cavra while the CLI calls run: neither waits for the other.
  const adapterStart = AdapterClient.start({
    checkout,
    env,
    ...(options.adapterScript ? { script: options.adapterScript } : {}),
  });
  adapterStart.catch(() => undefined); // awaited below; a CLI failure may come first

  const [version, listed] = await Promise.all([
    pythonVersion(checkout, env),
    pythonPolicyList(checkout, env),
  ]);
  const packList = listed.map((p) => p.id);
  note(`python: ${version}; ${packList.length} packs listed`);
  const tsList = options.packSource.listPackIds();
  if (packList.join('\n') !== tsList.join('\n')) {
    mismatches.push({
      kind: 'pack-list',
      pack: '*',
      request: 'policy list',
      python: packList,
      typescript: tsList,
      fields: [{ field: 'packs', python: packList, typescript: tsList }],
      shrunk: false,
    });
  }
  const packs = options.packs?.length ? [...options.packs] : packList;

  // Compile every pack with Python (byte comparison) and keep the result for generation.
  mkdirSync(join(options.workDir, 'compiled'), { recursive: true });
  const parallel = 4;
  const compiled = await mapLimit(packs, parallel, async (id) => {
    const python = await pythonCompile(checkout, id, env);
    const ts = safeTypescriptCompile(options.packSource, id);
    let check: CompileCheck;
    let text: string | undefined;
    if (python.exitCode !== 0) {
      check = {
        status: 'mismatch',
        detail: `python exited ${python.exitCode}: ${lastErrorLine(python.stderr || python.stdout)}`,
      };
      text = ts.output;
    } else {
      text = python.stdout;
      check =
        ts.output === undefined
          ? { status: 'mismatch', detail: `typescript failed: ${ts.error}` }
          : compareCompileOutput(python.stdout, ts.output);
    }
    if (check.status === 'mismatch') {
      mismatches.push({
        kind: 'compile',
        pack: id,
        request: `policy compile --policy-pack ${id}`,
        python: python.exitCode === 0 ? python.stdout : python.stderr,
        typescript: ts.output ?? ts.error ?? '',
        fields: [
          {
            field: 'compile',
            python: python.stdout,
            typescript: ts.output ?? ts.error ?? '',
            note: check.detail,
          },
        ],
        shrunk: false,
      });
    }
    if (text === undefined) return { id, check };
    const ref = join(options.workDir, 'compiled', `${id.replace(/[^A-Za-z0-9._-]/g, '_')}.json`);
    writeFileSync(ref, text);
    return { id, check, ref, value: parsePyJson(text) };
  });

  const tCompiled = performance.now();
  const { client, hello } = await adapterStart;
  note(`adapter: python ${hello.python}, cavra ${String(hello.cavra)}, policy root ${hello.policyRoot}`);
  const oracle = new AdapterOracle(client);
  const results: PackResult[] = [];
  const policies = new Map<string, PyValue>();
  let oracleMs = 0;
  let generatedCases = 0;
  const spotInputs: { index: number; id: string; compiled: { ref: string; value: PyValue } }[] = [];
  const tGenerate = performance.now();
  try {
    for (const entry of compiled) {
      const started = performance.now();
      if (entry.ref === undefined || entry.value === undefined) {
        results.push(emptyPack(entry.id, entry.check));
        continue;
      }
      policies.set(entry.ref, entry.value);
      const profile = packProfile(entry.id, entry.value);
      const generated = await runGeneratedPack({
        profile,
        compiled: { ref: entry.ref, value: entry.value },
        oracle,
        typescript,
        seed: options.seed,
        numRuns: options.numRuns,
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      });
      oracleMs += generated.compareMs;
      generatedCases += generated.cases;
      mismatches.push(...generated.mismatches);
      spotInputs.push({
        index: results.length,
        id: entry.id,
        compiled: { ref: entry.ref, value: entry.value },
      });
      const reachable = reachableRules(profile);
      results.push({
        id: entry.id,
        cases: generated.cases,
        mismatches: generated.mismatchCount + (entry.check.status === 'mismatch' ? 1 : 0),
        allowedDifferences: generated.allowed,
        rules: generated.rules,
        reachableRules: reachable,
        unreachedRules: reachable.filter((r) => !generated.rules[r]),
        compile: entry.check,
        cliSpotChecks: { cases: 0, mismatches: 0 },
        elapsedMs: Math.round(performance.now() - started),
      });
    }
  } finally {
    await client.close();
  }
  // CLI spot checks last, all packs in one pool: an interpreter each, so they parallelise.
  const tCli = performance.now();
  await mapLimit(spotInputs, 4, async ({ index, id, compiled: policy }) => {
    const spot = await cliSpotChecks(options, id, index, policy, mismatches);
    const result = results[index];
    if (result) {
      result.cliSpotChecks = spot;
      result.mismatches += spot.mismatches;
    }
  });
  const tEnd = performance.now();
  const s = (a: number, b: number): string => ((b - a) / 1000).toFixed(1);
  note(
    `phases: CLI version/list/compile ${s(t0, tCompiled)} s, generated cases ${s(tGenerate, tCli)} s, CLI evaluate checks ${s(tCli, tEnd)} s`,
  );
  return {
    packs: results,
    mismatches,
    python: { version, adapter: hello, packList },
    policies,
    throughput: {
      oracleCases: oracle.cases,
      oracleMs: Math.round(oracleMs),
      // End to end: generation, the adapter round trips and the TS comparison, overlapped.
      casesPerSecond: oracleMs > 0 ? Math.round((generatedCases / oracleMs) * 1000) : 0,
    },
  };
}

function emptyPack(id: string, compile: CompileCheck): PackResult {
  return {
    id,
    cases: 0,
    mismatches: compile.status === 'mismatch' ? 1 : 0,
    allowedDifferences: {},
    rules: {},
    reachableRules: [],
    unreachedRules: [],
    compile,
    cliSpotChecks: { cases: 0, mismatches: 0 },
    elapsedMs: 0,
  };
}

/** One `evaluate --json` per action type: the CLI path must agree too (an interpreter per call, so few). */
async function cliSpotChecks(
  options: LiveRunOptions,
  pack: string,
  packIndex: number,
  compiled: { ref: string; value: PyValue },
  mismatches: MismatchRecord[],
): Promise<{ cases: number; mismatches: number }> {
  const wanted = options.cliChecksPerPack ?? 1;
  if (wanted <= 0) return { cases: 0, mismatches: 0 };
  const candidates = fc
    .sample(caseArbitrary(packProfile(pack, compiled.value)), { seed: options.seed + 1, numRuns: 400 })
    .map((g) =>
      cliEquivalent(
        toParityCase({ ...g, route: 'pack', request: { ...g.request, policy_pack: pack } }, pack, compiled),
      ),
    )
    .filter((x): x is NonNullable<typeof x> => x !== undefined);
  // One of each action type first, starting at a different type per pack so that one check per
  // pack still covers all five types over a run; then more of any type.
  const order = CLI_ACTIONS.map((_, i) => CLI_ACTIONS[(i + packIndex) % CLI_ACTIONS.length]);
  const picked = order
    .map((action) => candidates.find((c) => c.action === action))
    .filter((c): c is NonNullable<typeof c> => c !== undefined)
    .slice(0, wanted);
  for (const candidate of candidates) {
    if (picked.length >= wanted) break;
    if (!picked.includes(candidate)) picked.push(candidate);
  }
  let failed = 0;
  await mapLimit(picked, 2, async (spot) => {
    const result = await pythonEvaluate(options.checkout, spot.action, spot.target, pack, options.pythonEnv);
    let python: Outcome;
    if (result.exitCode === 0) {
      try {
        python = { kind: 'decision', decision: parsePyJson(result.stdout) as Map<PyValue, PyValue> };
      } catch {
        python = { kind: 'error', error: `<cli output is not JSON> ${result.stdout.slice(0, 200)}` };
      }
    } else {
      python = { kind: 'error', error: lastErrorLine(result.stderr || result.stdout) };
    }
    const ts = options.typescript.decide(spot.request);
    const verdict = compareOutcomes(python, ts, { pythonHasVolatile: true });
    if (verdict.status === 'mismatch') {
      failed++;
      mismatches.push({
        kind: 'cli-evaluate',
        pack,
        request: spot.request.request,
        python: outcomeValue(python),
        typescript: outcomeValue(ts),
        fields: verdict.fields,
        shrunk: false,
      });
    }
  });
  return { cases: picked.length, mismatches: failed };
}
