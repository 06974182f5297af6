import { parseArgs } from 'node:util';
import { HarnessError } from './errors.js';

export interface ParityOptions {
  pythonRoot: string | undefined;
  python: string;
  packs: string[];
  seed: number;
  /** True when the seed came from `--seed` / `FC_SEED`, not drawn at random. */
  seedGiven: boolean;
  numRuns: number;
  report: string;
  record: boolean;
  policyDir: string | undefined;
  regressionsDir: string | undefined;
  cliChecks: number;
  help: boolean;
}

export const USAGE = `Usage: pnpm parity [options]

Recorded mode (default, no Python needed): replays fixtures/oracle/corpus and fixtures/regressions.
Live mode (--python-root or CAVRA_PYTHON_ROOT): the Python CLI plus one adapter process, with
fast-check generated cases per pack.

Options:
  --python-root DIR     Python CAVRA checkout (has src/cavra/); env CAVRA_PYTHON_ROOT
  --python BIN          Python interpreter (default python3; env CAVRA_PYTHON)
  --pack ID             only this pack (repeatable; default all packs)
  --seed N              fast-check seed (default random; always printed; env FC_SEED)
  --num-runs N          generated cases per pack in live mode (default 2000)
  --report DIR          report directory (default parity-report/)
  --record              write new counterexamples to fixtures/regressions/*.jsonl (live mode)
  --policy-dir DIR      pack directory for both sides (default: the vendored packs)
  --regressions-dir DIR where --record writes and recorded mode reads (default fixtures/regressions)
  --cli-checks N        evaluate --json spot checks per pack in live mode (default 1)
  -h, --help            this text

Relative paths are resolved against the directory the command was typed in (the repo root for
\`pnpm parity\`). Through turbo, environment variables reach the harness only if turbo.json
passes them through (passThroughEnv); prefer the options in CI.

Exit status: 0 no unexplained mismatch, 1 mismatch, 2 usage or setup error.
`;

function integer(name: string, text: string, min: number): number {
  if (!/^-?\d+$/.test(text.trim()))
    throw new HarnessError('usage', `--${name} needs an integer, got ${JSON.stringify(text)}`);
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min)
    throw new HarnessError('usage', `--${name} must be an integer ≥ ${min}`);
  return value;
}

/** Parse `pnpm parity` arguments; environment supplies CI defaults. */
export function parseParityArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): ParityOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: false,
      strict: true,
      options: {
        'python-root': { type: 'string' },
        python: { type: 'string' },
        pack: { type: 'string', multiple: true },
        seed: { type: 'string' },
        'num-runs': { type: 'string' },
        report: { type: 'string' },
        record: { type: 'boolean' },
        'policy-dir': { type: 'string' },
        'regressions-dir': { type: 'string' },
        'cli-checks': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new HarnessError('usage', error instanceof Error ? error.message : String(error));
  }
  const v = parsed.values;
  const seedText = v.seed ?? env.FC_SEED;
  // fast-check seeds are 32-bit; keep the printed seed the one actually used.
  const seed =
    seedText === undefined
      ? Math.floor(Math.random() * 0x7fffffff)
      : integer('seed', seedText, -0x80000000) | 0;
  const pythonRoot = v['python-root'] ?? (env.CAVRA_PYTHON_ROOT || undefined);
  return {
    pythonRoot,
    python: v.python ?? (env.CAVRA_PYTHON || 'python3'),
    packs: v.pack ?? [],
    seed,
    seedGiven: seedText !== undefined,
    numRuns: v['num-runs'] === undefined ? 2000 : integer('num-runs', v['num-runs'], 1),
    report: v.report ?? 'parity-report',
    record: v.record ?? false,
    policyDir: v['policy-dir'],
    regressionsDir: v['regressions-dir'],
    cliChecks: v['cli-checks'] === undefined ? 1 : integer('cli-checks', v['cli-checks'], 0),
    help: v.help ?? false,
  };
}

/** The command that reproduces a run (printed and put into the reports). */
export function reproduceCommand(o: ParityOptions): string {
  const parts = ['pnpm parity', `--seed ${o.seed}`];
  for (const p of o.packs) parts.push(`--pack ${p}`);
  if (o.pythonRoot) parts.push(`--python-root ${o.pythonRoot}`, `--num-runs ${o.numRuns}`);
  if (o.policyDir) parts.push(`--policy-dir ${o.policyDir}`);
  return parts.join(' ');
}
