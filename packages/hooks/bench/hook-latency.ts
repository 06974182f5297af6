/**
 * `pnpm bench` (@cavra/hooks): wall time of one hook process per event, as the agents run it
 * (`node bin.cjs hook <agent> …`, event on stdin, answer on stdout), against a bare `node -e 0`
 * and a single `cavra-runtime` decision, interleaved in the same run so machine load hits all
 * alike. Needs the CLI built (turbo runs `build` first). `--quick` takes fewer rounds.
 *
 * Results are printed and written to bench-results/hook-latency.json at the repository root.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(ROOT, 'packages/cli/dist/bin.cjs');
const POLICY = fileURLToPath(new URL('../test/fixtures/policy/hook-test-policy.json', import.meta.url));
const ROUNDS = process.argv.includes('--quick') ? 7 : 25;

const event = (tool: string, input: Record<string, unknown>): string =>
  JSON.stringify({ session_id: 'bench', cwd: '/work/project', hook_event_name: 'PreToolUse', tool_name: tool, tool_input: input });

interface Case {
  name: string;
  args: string[];
  input?: string;
}

const work = mkdtempSync(join(tmpdir(), 'cavra-hook-bench-'));
const request = join(work, 'request.json');
writeFileSync(request, JSON.stringify({ action_type: 'read_file', target: 'README.md' }));

const CASES: Case[] = [
  { name: 'node -e 0', args: ['-e', '0'] },
  { name: 'decision (cavra-runtime --input)', args: [BIN, '--input', request] },
  { name: 'hook claude-code Read (allow, silent)', args: [BIN, 'hook', 'claude-code', '--policy', POLICY], input: event('Read', { file_path: '/work/project/README.md' }) },
  { name: 'hook claude-code Write .env (deny)', args: [BIN, 'hook', 'claude-code', '--policy', POLICY], input: event('Write', { file_path: '/work/project/.env', content: '' }) },
  { name: 'hook claude-code Bash compound (shell parser)', args: [BIN, 'hook', 'claude-code', '--policy', POLICY], input: event('Bash', { command: 'ls && echo ok | cat; git push origin HEAD:main' }) },
  { name: 'hook codex Bash (deny form)', args: [BIN, 'hook', 'codex', '--policy', POLICY], input: event('Bash', { command: 'terraform apply' }) },
];

function once(testCase: Case): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, testCase.args, { input: testCase.input ?? '', stdio: ['pipe', 'ignore', 'ignore'] });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${testCase.name}: exit ${String(result.status)}`);
  return elapsed;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};

try {
  for (const testCase of CASES) once(testCase); // warm-up: V8 code cache, file cache
  const times = new Map<string, number[]>(CASES.map((testCase) => [testCase.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const testCase of CASES) times.get(testCase.name)?.push(once(testCase));
  }
  const baseline = median(times.get('node -e 0') ?? []);
  const results = CASES.map((testCase) => {
    const ms = median(times.get(testCase.name) ?? []);
    return { name: testCase.name, median_ms: Number(ms.toFixed(1)), vs_node_e_0: Number((ms / baseline).toFixed(2)) };
  });
  console.log(`hook latency, one process per event, median of ${ROUNDS} interleaved rounds`);
  for (const result of results) {
    console.log(`  ${result.name.padEnd(48)} ${result.median_ms.toFixed(1).padStart(7)} ms   ${result.vs_node_e_0.toFixed(2)}x node -e 0`);
  }
  mkdirSync(join(ROOT, 'bench-results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench-results/hook-latency.json'), `${JSON.stringify({ rounds: ROUNDS, node: process.version, results }, null, 2)}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
