import { gunzipSync } from 'node:zlib';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { routeRequest } from '@cavra/approvals/node';
import { createDecisionEngine } from '@cavra/engine';
import { fromPlainJson, isCavraError, isPyDict, parsePyJson, type PackSource, type PyDict, type PyValue } from '@cavra/policy-model';
import { exact, FamilyTally, label, type FamilyOracle } from './family.js';

export const APPROVAL_ROUTING_FAMILY = 'family:approval-routing';

/** Python parsers' own error texts (JSON, UTF-8, PyYAML): compared by exception class only. */
const PARSER_ERRORS: ReadonlySet<string> = new Set(['JSONDecodeError', 'UnicodeDecodeError', 'ScannerError', 'ParserError', 'ComposerError']);

type RoutingAnswer = { kind: 'group'; group: PyValue } | { kind: 'error'; error: string };

function answerOf(value: PyValue | undefined): RoutingAnswer {
  if (isPyDict(value) && typeof value.get('error') === 'string') return { kind: 'error', error: value.get('error') as string };
  if (isPyDict(value) && value.has('approver_group')) return { kind: 'group', group: value.get('approver_group') as PyValue };
  return { kind: 'error', error: `<oracle answered ${exact(value)}>` };
}

/** The TypeScript side of one routing request: the approvals package, as the CLI batch uses it. */
export function routeWithTypescript(request: PyValue, cwd: string): RoutingAnswer {
  try {
    return { kind: 'group', group: routeRequest(request, { cwd }) };
  } catch (error) {
    if (isCavraError(error)) return { kind: 'error', error: error.python ?? `<no Python equivalent> ${error.code}: ${error.message}` };
    return { kind: 'error', error: `<typescript crash> ${String(error)}` };
  }
}

const errorType = (line: string): string => line.slice(0, Math.max(0, line.indexOf(':')));

/** Same answer: groups exactly, errors by their line (parser errors by class). */
function sameAnswer(python: RoutingAnswer, ts: RoutingAnswer): boolean {
  if (python.kind === 'group' || ts.kind === 'group') {
    return python.kind === ts.kind && exact((python as { group: PyValue }).group) === exact((ts as { group: PyValue }).group);
  }
  if (python.error === ts.error) return true;
  const type = errorType(python.error);
  return PARSER_ERRORS.has(type) && errorType(ts.error) === type;
}

const valueOf = (answer: RoutingAnswer): PyValue =>
  new Map<PyValue, PyValue>(answer.kind === 'group' ? [['approver_group', answer.group]] : [['error', answer.error]]);

function tallyOne(tally: FamilyTally, request: PyValue, python: RoutingAnswer, ts: RoutingAnswer, caseId?: string): void {
  const same = sameAnswer(python, ts);
  const bucket = python.kind === 'group' ? `group ${label(python.group)}` : `<error> ${errorType(python.error)}`;
  tally.add(
    bucket,
    request,
    valueOf(python),
    valueOf(ts),
    same ? [] : [{ field: 'approver_group', python: valueOf(python), typescript: valueOf(ts) }],
    caseId,
  );
}

const MATCHER_VALUES: PyValue[] = ['', 'medium', 'Medium', 'mcp.', 'filesystem.write', 'iam/', 'None', 'True', true, 1n, 1.0, 0n, [], new Map(), null, ['iam/x']];
const GROUPS: PyValue[] = ['IAM', 'A', '', 7n, null, true, ['A', 'B']];

/** Inline rules that probe one matcher at a time, with Python's typed values. */
const ruleArb: fc.Arbitrary<PyValue> = fc.oneof(
  { weight: 8, arbitrary: fc
    .record(
      {
        rule_id: fc.constantFrom(...MATCHER_VALUES),
        severity: fc.constantFrom(...MATCHER_VALUES),
        action_type: fc.constantFrom<PyValue>('write_file', 'execute_command', true),
        policy_pack: fc.constantFrom<PyValue>('cavra-hipaa', 0n),
        rule_id_prefix: fc.constantFrom(...MATCHER_VALUES),
        target_contains: fc.constantFrom(...MATCHER_VALUES),
        approver_group: fc.constantFrom(...GROUPS),
      },
      { requiredKeys: [] },
    )
    .map((o) => new Map<PyValue, PyValue>(Object.entries(o))) },
  { weight: 1, arbitrary: fc.constantFrom<PyValue>('x', 5n, null) },
);

/** Decision requests per action type; the engine turns them into real decisions of the pack. */
const DECISION_REQUESTS: readonly Record<string, string>[] = [
  { action_type: 'write_file', target: 'iam/admin.tf' },
  { action_type: 'write_file', target: '.github/workflows/ci.yml' },
  { action_type: 'read_file', target: '.env' },
  { action_type: 'execute_command', target: 'terraform apply -auto-approve' },
  { action_type: 'execute_command', target: 'kubectl apply -f x' },
  { action_type: 'git_operation', target: 'origin/main' },
  { action_type: 'mcp_tool_call', server: 'github', tool: 'create_pull_request' },
  { action_type: 'release_governance_record' },
];

export interface RoutingGenerationOptions {
  packSource: PackSource;
  packs: readonly string[];
  seed: number;
  casesPerPack: number;
  /** Routing files (absolute paths) the generated requests may name. */
  routingFiles: readonly string[];
}

/** Routing requests for every pack: real decisions of the pack or synthetic ones, × default / inline / file rules. */
export function generateRoutingRequests(options: RoutingGenerationOptions): PyDict[] {
  const engine = createDecisionEngine({ packs: options.packSource });
  const out: PyDict[] = [];
  for (const [i, pack] of options.packs.entries()) {
    const decisions: PyValue[] = DECISION_REQUESTS.map((request) => {
      const decision = engine.decide({ ...request, policy_pack: pack }) as unknown as Record<string, unknown>;
      // Bigints may appear in release-governance fields; the rest is plain data.
      return fromPlainJson(JSON.parse(JSON.stringify(decision, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v))));
    });
    const decisionArb = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...decisions) },
      {
        weight: 2,
        arbitrary: fc
          .record({ rule_id: fc.constantFrom(...MATCHER_VALUES), target: fc.constantFrom(...MATCHER_VALUES), severity: fc.constantFrom(...MATCHER_VALUES) }, { requiredKeys: [] })
          .map((o) => new Map<PyValue, PyValue>(Object.entries(o)) as PyValue),
      },
      { weight: 1, arbitrary: fc.constantFrom<PyValue>('mcp.x', null, []) },
    );
    const rulesArb = fc.oneof(
      fc.constant(undefined),
      fc.constant<PyValue>(null),
      fc.array(ruleArb, { maxLength: 4 }) as fc.Arbitrary<PyValue>,
      ...(options.routingFiles.length ? [fc.constantFrom<PyValue>(...options.routingFiles)] : []),
    );
    const requestArb = fc.tuple(decisionArb, rulesArb).map(([route, rules]) => {
      const request: PyDict = new Map<PyValue, PyValue>([['route', route]]);
      if (rules !== undefined) request.set('routing_rules', rules);
      return request;
    });
    out.push(...fc.sample(requestArb, { seed: options.seed + i, numRuns: options.casesPerPack }));
  }
  return out;
}

/** The recorded routing files: every file of the recordings' folder (absolute paths). */
export function routingFilesIn(directory: string): string[] {
  return readdirSync(directory).sort().map((name) => join(directory, name));
}

/** Live: generated routing requests, answered by the oracle and by the approvals package, compared. */
export async function runApprovalRoutingLive(options: RoutingGenerationOptions & { oracle: FamilyOracle; cwd: string }): Promise<FamilyTally> {
  const tally = new FamilyTally(APPROVAL_ROUTING_FAMILY);
  const requests = generateRoutingRequests(options);
  const answers = await options.oracle(requests);
  requests.forEach((request, i) => tallyOne(tally, request, answerOf(answers[i]), routeWithTypescript(request, options.cwd)));
  return tally;
}

/** Recorded: the recorded Python routings (fixtures/oracle/approval-routing), from that folder as the working directory. */
export function runApprovalRoutingRecorded(oracleDir: string): FamilyTally {
  const tally = new FamilyTally(APPROVAL_ROUTING_FAMILY);
  const cwd = join(oracleDir, 'approval-routing');
  const text = gunzipSync(readFileSync(join(cwd, 'routes.jsonl.gz'))).toString('utf8');
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const recorded = parsePyJson(line);
    if (!isPyDict(recorded)) continue;
    const request: PyDict = new Map<PyValue, PyValue>([['route', recorded.get('route') ?? null]]);
    if (recorded.has('routing_rules')) request.set('routing_rules', recorded.get('routing_rules') as PyValue);
    if (recorded.has('routing_file')) request.set('routing_rules', recorded.get('routing_file') as PyValue);
    tallyOne(tally, request, answerOf(recorded.get('expected')), routeWithTypescript(request, cwd), label(recorded.get('id')));
  }
  return tally;
}
