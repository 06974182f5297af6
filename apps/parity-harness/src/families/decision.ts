import { existsSync, readFileSync } from 'node:fs';
import { isPyDict, parsePyJson, pyStr, pyTruthy, type PyDict, type PyValue } from '@cavra/policy-model';
import { oraclePath, type RecordedLine } from '@cavra/test-fixtures';
import { DEFAULT_PACK, adapterLine, adapterRequest, type Outcome, type ParityCase } from '../cases.js';
import { compareOutcomes, outcomeFromAnswer, outcomeValue } from '../compare.js';
import { HarnessError } from '../errors.js';
import { propertyCases, type CaseFamily, type RecordedCase } from '../family.js';
import { caseArbitrary, toParityCase } from '../generate/decision-cases.js';
import { REGISTRY_RULES, packProfile, reachableRules } from '../generate/profile.js';
import { AdapterOracle } from '../oracle/adapter-oracle.js';

/** Label a case is reported under: `policy_pack`, else the compiled policy's `metadata.id`, else the default. */
export function caseLabel(request: PyDict, policy: PyValue | undefined): string {
  const pack = request.get('policy_pack');
  if (pyTruthy(pack) && typeof pack === 'string') return pack;
  if (policy !== undefined && isPyDict(policy)) {
    const metadata = policy.get('metadata');
    const id = isPyDict(metadata) ? metadata.get('id') : undefined;
    if (typeof id === 'string' && id) return id;
  }
  return DEFAULT_PACK;
}

/** Reads referenced files once: `policy_file` / `registry` paths are relative to fixtures/oracle. */
class FileTable {
  private readonly files = new Map<string, PyValue>();

  load(relative: string): { ref: string; value: PyValue } {
    const path = oraclePath(relative);
    let value = this.files.get(path);
    if (value === undefined) {
      if (!existsSync(path))
        throw new HarnessError('fixture_invalid', `referenced fixture file not found: ${path}`);
      value = parsePyJson(readFileSync(path, 'utf8'));
      this.files.set(path, value);
    }
    return { ref: path, value };
  }
}

/** A corpus or regression line as a decision case with its recorded Python answer. */
export function recordedDecision(line: RecordedLine, files: FileTable): RecordedCase<ParityCase, Outcome> {
  const c: ParityCase = { pack: '', request: line.request };
  if (typeof line.policyFile === 'string') c.policy = files.load(line.policyFile);
  else if (line.policyFile !== undefined)
    c.policy = { ref: `inline:${line.source}:${line.lineNo}`, value: line.policyFile };
  if (typeof line.registry === 'string') c.registry = files.load(line.registry);
  else if (line.registry !== undefined) c.registry = { value: line.registry };
  c.pack = caseLabel(line.request, c.policy?.value);
  return { id: line.id, source: line.source, case: c, expected: outcomeFromAnswer(line.expected) };
}

const ruleOf = (o: Outcome): string | undefined =>
  o.kind === 'decision' ? pyStr(o.decision.get('rule_id') ?? null) : undefined;

/**
 * Decisions: the five action types (and unknown ones), on the pack route and the
 * compiled-policy route, with and without a trust registry. Recorded: the corpus and
 * fixtures/regressions. Live: fast-check cases through the adapter, shrunk on a mismatch.
 */
export const decisionFamily: CaseFamily<ParityCase, Outcome> = {
  id: 'decision',
  title:
    'decisions (read/write file, command, git, MCP tool call; pack and compiled-policy routes, registries)',
  counts: 'cases',

  recorded(sources) {
    const files = new FileTable();
    return sources.lines.map((line) => recordedDecision(line, files));
  },
  generate({ pack, policy, settings }) {
    if (!policy) return undefined;
    return propertyCases(
      caseArbitrary(packProfile(pack, policy.value)),
      (g) => toParityCase(g, pack, policy),
      settings.numRuns,
    );
  },
  liveOracle: ({ adapter }) => new AdapterOracle(adapter, adapterLine, outcomeFromAnswer),
  typescript: (c, { decisions }) => decisions.decide(c),
  compare: (python, ts, options) => compareOutcomes(python, ts, options),

  pack: (c) => c.pack,
  show: (c) => adapterRequest(c),
  showAnswer: outcomeValue,
  rule: (python, ts) => ruleOf(python) ?? ruleOf(ts) ?? '<error>',
  reachableRules(pack, policy, cases) {
    const fallback = policy ?? cases.find((c) => c.policy)?.policy?.value;
    if (fallback === undefined) return [];
    // Registry rules are only reachable by cases that carry a registry.
    const withRegistry = cases.some((c) => c.registry);
    return reachableRules(packProfile(pack, fallback)).filter(
      (rule) => withRegistry || !(REGISTRY_RULES as readonly string[]).includes(rule),
    );
  },
  signature: (python, ts, fields) =>
    `${fields.map((f) => f.field).join(',')}|${ruleOf(python) ?? 'error'}|${ruleOf(ts) ?? 'error'}`,
};
