import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { routeRequest } from '@cavra/approvals/node';
import type { DecisionEngine } from '@cavra/engine';
import { dumpsPyJson, fromPlainJson, isCavraError, isPyDict, pyStr, type PyDict, type PyValue } from '@cavra/policy-model';
import { DEFAULT_PACK } from '../cases.js';
import { ORACLE_DIR } from '../paths.js';
import { propertyCases, type CaseFamily, type FamilyVerdict, type RecordedCase } from '../family.js';
import { AdapterOracle, adapterKindLine } from '../oracle/adapter-oracle.js';
import { engineFor, liveCasesPerPack, readRecordings } from './recordings.js';

/** The family id: the mismatch kind, the per-family counts key, the junit suite. */
export const APPROVAL_ROUTING_FAMILY = 'approval-routing';
/** The counted difference: a Python parser error whose message differs but whose class matches. */
export const PARSER_MESSAGE_DIFFERENCE = 'python_parser_message';
/** Its recordings' folder under fixtures/oracle (also the working directory routing files are read from). */
const RECORDINGS_DIR = 'approval-routing';

/** A routing request, the pack it is reported under, and the directory relative routing files resolve from. */
export interface RoutingCase {
  pack: string;
  request: PyDict;
  cwd: string;
}

/** Python-exact text of a value, for comparisons (`1` and `1.0` differ). */
const exact = (value: PyValue | undefined): string => (value === undefined ? '<absent>' : dumpsPyJson(value));
const label = (value: PyValue | undefined): string => (value === undefined ? '<absent>' : pyStr(value));

/** Python parsers' own error texts (JSON, UTF-8, PyYAML): compared by exception class only. */
const PARSER_ERRORS: ReadonlySet<string> = new Set(['JSONDecodeError', 'UnicodeDecodeError', 'ScannerError', 'ParserError', 'ComposerError']);

export type RoutingAnswer = { kind: 'group'; group: PyValue } | { kind: 'error'; error: string };

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

const valueOf = (answer: RoutingAnswer): PyValue =>
  new Map<PyValue, PyValue>(answer.kind === 'group' ? [['approver_group', answer.group]] : [['error', answer.error]]);

/** Groups exactly, errors by their line; Python parsers' own messages by exception class (counted). */
export function compareRouting(python: RoutingAnswer, ts: RoutingAnswer): FamilyVerdict {
  const differ: FamilyVerdict = {
    status: 'mismatch',
    fields: [{ field: 'approver_group', python: valueOf(python), typescript: valueOf(ts) }],
  };
  if (python.kind === 'group' || ts.kind === 'group') {
    const same = python.kind === ts.kind && exact((python as { group: PyValue }).group) === exact((ts as { group: PyValue }).group);
    return same ? { status: 'match' } : differ;
  }
  if (python.error === ts.error) return { status: 'match' };
  const type = errorType(python.error);
  return PARSER_ERRORS.has(type) && errorType(ts.error) === type
    ? { status: 'allowed', difference: PARSER_MESSAGE_DIFFERENCE }
    : differ;
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

/** Routing requests for one pack: real decisions of the pack or synthetic ones, × default / inline / file rules. */
export function routingRequestArbitrary(
  engine: DecisionEngine,
  pack: string,
  routingFiles: readonly string[],
): fc.Arbitrary<PyDict> {
  {
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
      ...(routingFiles.length ? [fc.constantFrom<PyValue>(...routingFiles)] : []),
    );
    return fc.tuple(decisionArb, rulesArb).map(([route, rules]) => {
      const request: PyDict = new Map<PyValue, PyValue>([['route', route]]);
      if (rules !== undefined) request.set('routing_rules', rules);
      return request;
    });
  }
}

/** The recorded routing files: every file of the recordings' folder (absolute paths). */
export function routingFilesIn(directory: string): string[] {
  return readdirSync(directory).sort().map((name) => join(directory, name));
}

/** The pack a recorded route is reported under: its decision's `policy_pack`, else the default. */
function routePack(route: PyValue | undefined): string {
  const pack = isPyDict(route) ? route.get('policy_pack') : undefined;
  return typeof pack === 'string' && pack ? pack : DEFAULT_PACK;
}

/** The recorded routings as cases, answered from that folder as the working directory. */
export function recordedApprovalRouting(oracleDir: string): RecordedCase<RoutingCase, RoutingAnswer>[] {
  const cwd = join(oracleDir, RECORDINGS_DIR);
  return readRecordings(join(cwd, 'routes.jsonl.gz')).map((recorded) => {
    const route = recorded.get('route') ?? null;
    const request: PyDict = new Map<PyValue, PyValue>([['route', route]]);
    if (recorded.has('routing_rules')) request.set('routing_rules', recorded.get('routing_rules') as PyValue);
    if (recorded.has('routing_file')) request.set('routing_rules', recorded.get('routing_file') as PyValue);
    return {
      id: label(recorded.get('id')),
      source: join(RECORDINGS_DIR, 'routes.jsonl.gz'),
      case: { pack: routePack(route), request, cwd },
      expected: answerOf(recorded.get('expected')),
    };
  });
}

export interface ApprovalRoutingFamilyOptions {
  /** Routing files (absolute paths) generated requests may name; default: every recorded routing file. */
  routingFiles?: readonly string[];
}

/**
 * Approval routing (`cavra.approvals.route_approver_group`, the adapter's `route` request kind):
 * the approver group, compared exactly; errors by their full line, except Python parsers' own
 * messages (JSON, UTF-8, PyYAML), compared by exception class and counted apart. Recorded from
 * fixtures/oracle/approval-routing; live: generated per pack (real decisions of the pack and
 * synthetic ones, × default / inline / file rules).
 */
export function createApprovalRoutingFamily(options: ApprovalRoutingFamilyOptions = {}): CaseFamily<RoutingCase, RoutingAnswer> {
  return {
    id: APPROVAL_ROUTING_FAMILY,
    title: 'approval routing (`{"route": …, "routing_rules": …}` → approver group)',
    counts: 'cases',

    recorded: (sources) => recordedApprovalRouting(sources.oracleDir),
    generate({ pack, settings, packSource }) {
      const files = options.routingFiles ?? routingFilesIn(join(ORACLE_DIR, RECORDINGS_DIR, 'files'));
      return propertyCases(
        routingRequestArbitrary(engineFor(packSource), pack, files),
        // Generated routing files are absolute paths, so the working directory only matters for
        // relative ones; it is the recordings' folder, as in recorded mode.
        (request): RoutingCase => ({ pack, request, cwd: join(ORACLE_DIR, RECORDINGS_DIR) }),
        liveCasesPerPack(settings),
      );
    },
    liveOracle: ({ adapter }) =>
      new AdapterOracle<RoutingCase, RoutingAnswer>(adapter, (c) => adapterKindLine('route', c.request), answerOf),
    typescript: (c) => routeWithTypescript(c.request, c.cwd),
    compare: (python, ts) => compareRouting(python, ts),

    pack: (c) => c.pack,
    show: (c) => c.request,
    showAnswer: valueOf,
    rule: (python) => (python.kind === 'group' ? `group ${label(python.group)}` : `<error> ${errorType(python.error)}`),
  };
}

export const approvalRoutingFamily = createApprovalRoutingFamily();
