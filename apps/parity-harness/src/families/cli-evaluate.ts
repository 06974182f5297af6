import fc from 'fast-check';
import { parsePyJson, type PyValue } from '@cavra/policy-model';
import type { Outcome, ParityCase } from '../cases.js';
import { compareOutcomes, outcomeValue } from '../compare.js';
import type { CaseFamily, Oracle } from '../family.js';
import { caseArbitrary, toParityCase } from '../generate/decision-cases.js';
import { packProfile } from '../generate/profile.js';
import { mapLimit, pythonEvaluate } from '../oracle/python-cli.js';

/** An `evaluate ACTION TARGET --policy-pack ID --json` call and the request it is equivalent to. */
export interface CliCheck {
  action: string;
  target: string;
  pack: string;
  request: ParityCase;
}

const CLI_ACTIONS = ['read_file', 'write_file', 'execute_command', 'git_operation', 'mcp_tool_call'];
/** Candidates drawn per pack to find one expressible case of each action type. */
const CANDIDATES = 400;

/** Requests the `evaluate` command can express, with the request it is equivalent to. */
export function cliEquivalent(c: ParityCase): CliCheck | undefined {
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
  return { action, target: rawTarget, pack: c.pack, request: { pack: c.pack, request: base } };
}

function lastErrorLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  return lines[lines.length - 1] ?? '';
}

/** The CLI's answer as an outcome: its JSON decision, or its last error line. */
function cliOutcome(result: { exitCode: number; stdout: string; stderr: string }): Outcome {
  if (result.exitCode !== 0) return { kind: 'error', error: lastErrorLine(result.stderr || result.stdout) };
  try {
    return { kind: 'decision', decision: parsePyJson(result.stdout) as Map<PyValue, PyValue> };
  } catch {
    return { kind: 'error', error: `<cli output is not JSON> ${result.stdout.slice(0, 200)}` };
  }
}

/**
 * `evaluate --json` spot checks (live only): the CLI path must agree too. An interpreter per
 * call, so few per pack; one of each action type first, starting at a different type per pack,
 * so one check per pack still covers all five types over a run.
 */
export const cliEvaluateFamily: CaseFamily<CliCheck, Outcome> = {
  id: 'cli-evaluate',
  title: '`evaluate ACTION TARGET --policy-pack ID --json` spot checks (live only)',
  counts: 'checks',
  packConcurrency: 4,

  recorded: () => [],
  generate({ pack, packIndex, policy, settings }) {
    const wanted = settings.cliChecksPerPack;
    if (!policy || wanted <= 0) return undefined;
    const candidates = fc
      .sample(caseArbitrary(packProfile(pack, policy.value)), {
        seed: settings.seed + 1,
        numRuns: CANDIDATES,
      })
      .map((g) =>
        cliEquivalent(
          toParityCase({ ...g, route: 'pack', request: { ...g.request, policy_pack: pack } }, pack, policy),
        ),
      )
      .filter((x): x is CliCheck => x !== undefined);
    const order = CLI_ACTIONS.map((_, i) => CLI_ACTIONS[(i + packIndex) % CLI_ACTIONS.length]);
    const picked = order
      .map((action) => candidates.find((c) => c.action === action))
      .filter((c): c is CliCheck => c !== undefined)
      .slice(0, wanted);
    for (const candidate of candidates) {
      if (picked.length >= wanted) break;
      if (!picked.includes(candidate)) picked.push(candidate);
    }
    return { kind: 'list', cases: picked };
  },
  liveOracle({ checkout, pythonEnv }): Oracle<CliCheck, Outcome> {
    return {
      hasVolatile: true,
      answer: (cases) =>
        mapLimit(cases, 2, async (c) =>
          cliOutcome(await pythonEvaluate(checkout, c.action, c.target, c.pack, pythonEnv)),
        ),
    };
  },
  typescript: (c, { decisions }) => decisions.decide(c.request),
  compare: (python, ts, options) => compareOutcomes(python, ts, options),

  pack: (c) => c.pack,
  show: (c) => c.request.request,
  showAnswer: outcomeValue,
};
