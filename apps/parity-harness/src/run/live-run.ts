import type { PackSource, PyValue } from '@cavra/policy-model';
import type { AnyCaseFamily, LiveContext, LiveSettings, TypeScriptContext } from '../family.js';
import { AdapterClient, type AdapterHello } from '../oracle/adapter.js';
import { mapLimit } from '../oracle/python-cli.js';
import type { PythonCheckout } from '../oracle/python-env.js';
import { drawCases, runCases, type FamilyTally } from './case-loop.js';
import { livePreflight } from './live-preflight.js';
import { packResults } from './pack-results.js';
import type { MismatchRecord, PackResult, Progress } from './types.js';

export interface LiveRunOptions {
  families: readonly AnyCaseFamily[];
  checkout: PythonCheckout;
  packs?: readonly string[];
  settings: LiveSettings;
  typescript: TypeScriptContext;
  packSource: PackSource;
  /** Scratch directory for Python's compiled policies (sent to the adapter as `policy_file`). */
  workDir: string;
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

const seconds = (a: number, b: number): string => ((b - a) / 1000).toFixed(1);

/** One family over the run's packs, through the one case loop. */
async function runFamilyLive(
  family: AnyCaseFamily,
  context: LiveContext,
  packs: readonly string[],
  options: LiveRunOptions,
): Promise<FamilyTally[]> {
  const oracle = family.liveOracle(context);
  const { settings } = context;
  const tallies = await mapLimit(
    packs.map((pack, packIndex) => ({ pack, packIndex })),
    family.packConcurrency ?? 1,
    async ({ pack, packIndex }) => {
      const policy = context.compiled.get(pack);
      const generated = family.generate({ pack, packIndex, settings, packSource: context.packSource, ...(policy ? { policy } : {}) });
      if (!generated) return undefined;
      const cases = drawCases(generated, settings.seed);
      return runCases({
        family,
        pack,
        cases,
        oracle,
        typescript: options.typescript,
        reachableRules: family.reachableRules?.(pack, policy?.value, cases) ?? [],
        ...(generated.kind === 'property' ? { shrink: { generated, seed: settings.seed } } : {}),
        // Progress bars for the case families; checks are one line each in the report.
        ...(options.onProgress && family.counts === 'cases' ? { onProgress: options.onProgress } : {}),
      });
    },
  );
  return tallies.filter((t): t is FamilyTally => t !== undefined);
}

/**
 * Live parity: the preflight (`version`, `policy list`, `policy compile` per pack), then every
 * family against Python, the adapter families through one long-lived adapter process.
 */
export async function runLive(options: LiveRunOptions): Promise<LiveRunResult> {
  const note = options.onNote ?? (() => undefined);
  const pythonEnv = options.pythonEnv ?? {};
  const t0 = performance.now();
  // The adapter imports cavra while the CLI calls run: neither waits for the other.
  const adapterStart = AdapterClient.start({
    checkout: options.checkout,
    env: pythonEnv,
    ...(options.adapterScript ? { script: options.adapterScript } : {}),
  });
  adapterStart.catch(() => undefined); // awaited below; a CLI failure may come first
  let preflight;
  try {
    preflight = await livePreflight({
      checkout: options.checkout,
      pythonEnv,
      packSource: options.packSource,
      workDir: options.workDir,
      ...(options.packs ? { packs: options.packs } : {}),
    });
  } catch (error) {
    await adapterStart.then(
      (started) => started.client.close(),
      () => undefined,
    );
    throw error;
  }
  note(`python: ${preflight.version}; ${preflight.packList.length} packs listed`);
  const tPreflight = performance.now();
  const { client, hello } = await adapterStart;
  note(`adapter: python ${hello.python}, cavra ${String(hello.cavra)}, policy root ${hello.policyRoot}`);
  const context: LiveContext = {
    checkout: options.checkout,
    pythonEnv,
    adapter: client,
    packSource: options.packSource,
    settings: options.settings,
    pythonCompile: preflight.pythonCompile,
    compiled: preflight.compiled,
  };
  const tallies: FamilyTally[] = [];
  const phases: string[] = [`preflight (CLI version/list/compile) ${seconds(t0, tPreflight)} s`];
  try {
    for (const family of options.families) {
      const started = performance.now();
      tallies.push(...(await runFamilyLive(family, context, preflight.packs, options)));
      phases.push(`${family.id} ${seconds(started, performance.now())} s`);
    }
  } finally {
    await client.close();
  }
  note(`phases: ${phases.join(', ')}`);
  const results = packResults(options.families, tallies, preflight.packs);
  const counted = new Set(options.families.filter((f) => f.counts === 'cases').map((f) => f.id));
  const oracleTallies = tallies.filter((t) => counted.has(t.family));
  const oracleMs = oracleTallies.reduce((n, t) => n + t.oracleMs, 0);
  const oracleCases = oracleTallies.reduce((n, t) => n + t.cases, 0);
  return {
    packs: results.packs,
    mismatches: [...preflight.mismatches, ...results.mismatches],
    python: { version: preflight.version, adapter: hello, packList: preflight.packList },
    policies: new Map([...preflight.compiled.values()].map((p) => [p.ref, p.value])),
    throughput: {
      oracleCases,
      oracleMs: Math.round(oracleMs),
      // End to end: generation, the oracle round trips and the TS comparison, overlapped.
      casesPerSecond: oracleMs > 0 ? Math.round((oracleCases / oracleMs) * 1000) : 0,
    },
  };
}
