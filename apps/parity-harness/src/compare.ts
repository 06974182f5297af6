import { dumpsPyJson, isPyDict, isPyList, pyStr, type PyDict, type PyValue } from '@cavra/policy-model';
import type { Outcome } from './cases.js';

/** Python's `ActionDecision.to_dict()` key order (docs/python-compatibility.md, "Decisions"); kept independent of the code under test. */
export const DECISION_KEYS = [
  'decision_id',
  'session_id',
  'agent_id',
  'actor',
  'action_type',
  'target',
  'requested_operation',
  'policy_pack',
  'policy_id',
  'rule_id',
  'decision',
  'severity',
  'reason',
  'evidence_refs',
  'approver_group',
  'timestamp',
  'correlation_id',
] as const;
export const VOLATILE_KEYS: ReadonlySet<string> = new Set([
  'decision_id',
  'evidence_refs',
  'timestamp',
  'correlation_id',
]);
export const DETERMINISTIC_KEYS = DECISION_KEYS.filter((key) => !VOLATILE_KEYS.has(key));

export const DECISION_ID_FORMAT = /^dec_[0-9a-f]{12}$/;
export const CORRELATION_ID_FORMAT = /^corr_[0-9a-f]{12}$/;
/** Python `isoformat()` of an aware UTC datetime: `+00:00`, 6 fraction digits or none. */
export const TIMESTAMP_FORMAT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{6})?\+00:00$/;

/** The one deliberate difference (decision core issue): unknown action types fail closed in TS. */
export const UNKNOWN_ACTION_ERROR = /^AssertionError: unsupported parity action: ([\s\S]*)$/;
export const ALLOWED_UNKNOWN_ACTION = 'unknown_action_type';

export interface FieldDiff {
  field: string;
  python: PyValue | undefined;
  typescript: PyValue | undefined;
  note?: string;
}

export type Verdict =
  | { status: 'match' }
  | { status: 'allowed'; difference: typeof ALLOWED_UNKNOWN_ACTION }
  | { status: 'mismatch'; fields: FieldDiff[] };

export interface CompareOptions {
  /** Live answers carry the four volatile keys; the recorded corpus omits them. */
  pythonHasVolatile: boolean;
}

/** Exact equality in the Python model: int vs float, key order and types all count. */
export function sameValue(a: PyValue | undefined, b: PyValue | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  try {
    return dumpsPyJson(a) === dumpsPyJson(b);
  } catch {
    return false;
  }
}

/** Formats of the four volatile fields, and the evidence ref's link to the session and id. */
export function volatileFormatIssues(decision: PyDict): string[] {
  const issues: string[] = [];
  const id = decision.get('decision_id');
  if (typeof id !== 'string' || !DECISION_ID_FORMAT.test(id)) issues.push('decision_id');
  const correlation = decision.get('correlation_id');
  if (typeof correlation !== 'string' || !CORRELATION_ID_FORMAT.test(correlation))
    issues.push('correlation_id');
  const timestamp = decision.get('timestamp');
  if (typeof timestamp !== 'string' || !TIMESTAMP_FORMAT.test(timestamp)) issues.push('timestamp');
  const refs = decision.get('evidence_refs');
  const session = decision.get('session_id');
  const expected = `evidence://${pyStr(session ?? null)}/${typeof id === 'string' ? id : ''}`;
  if (!isPyList(refs) || refs.length !== 1 || refs[0] !== expected) issues.push('evidence_refs');
  return issues;
}

function shapeDiffs(
  side: 'python' | 'typescript',
  decision: PyDict,
  expectedKeys: readonly string[],
): FieldDiff[] {
  const keys = [...decision.keys()].map(String);
  const diffs: FieldDiff[] = [];
  if (keys.join('\u0000') !== expectedKeys.join('\u0000')) {
    const actual = keys as PyValue[];
    diffs.push({
      field: 'key_order',
      python: side === 'python' ? actual : [...expectedKeys],
      typescript: side === 'typescript' ? actual : [...expectedKeys],
      note: `${side} keys differ from the 17-key order`,
    });
  }
  for (const field of volatileFormatIssues(decision)) {
    if (!keys.includes(field)) continue;
    diffs.push({
      field: `${field} (format)`,
      python: side === 'python' ? decision.get(field) : undefined,
      typescript: side === 'typescript' ? decision.get(field) : undefined,
      note: `${side} ${field} is not in Python's format`,
    });
  }
  return diffs;
}

const ALLOWED_FAIL_CLOSED: ReadonlyArray<[string, string | null]> = [
  ['decision', 'require_approval'],
  ['rule_id', 'runtime.default.require_approval'],
  ['severity', 'medium'],
  ['approver_group', 'Repository Owners'],
];

/**
 * Compare one oracle outcome with one TypeScript outcome: every deterministic field, the key
 * order, the format of the volatile fields; errors compare by their Python error line.
 */
export function compareOutcomes(python: Outcome, ts: Outcome, options: CompareOptions): Verdict {
  if (python.kind === 'error' && ts.kind === 'error') {
    return python.error === ts.error
      ? { status: 'match' }
      : { status: 'mismatch', fields: [{ field: 'error', python: python.error, typescript: ts.error }] };
  }
  if (python.kind === 'error' && ts.kind === 'decision') {
    const unknown = UNKNOWN_ACTION_ERROR.exec(python.error);
    if (unknown && pyStr(ts.decision.get('action_type') ?? null) === unknown[1]) {
      const fields = shapeDiffs('typescript', ts.decision, DECISION_KEYS);
      for (const [key, value] of ALLOWED_FAIL_CLOSED) {
        if (ts.decision.get(key) !== value)
          fields.push({ field: key, python: value, typescript: ts.decision.get(key) });
      }
      return fields.length === 0
        ? { status: 'allowed', difference: ALLOWED_UNKNOWN_ACTION }
        : { status: 'mismatch', fields };
    }
    return {
      status: 'mismatch',
      fields: [
        {
          field: 'outcome',
          python: python.error,
          typescript: ts.decision,
          note: 'Python failed, TypeScript decided',
        },
      ],
    };
  }
  if (python.kind === 'decision' && ts.kind === 'error') {
    return {
      status: 'mismatch',
      fields: [
        {
          field: 'outcome',
          python: python.decision,
          typescript: ts.error,
          note: 'Python decided, TypeScript failed',
        },
      ],
    };
  }
  if (python.kind !== 'decision' || ts.kind !== 'decision') return { status: 'match' };

  const fields = shapeDiffs('typescript', ts.decision, DECISION_KEYS);
  if (options.pythonHasVolatile) {
    fields.push(...shapeDiffs('python', python.decision, DECISION_KEYS));
  } else {
    const expectedKeys = DECISION_KEYS.filter((key) => !VOLATILE_KEYS.has(key));
    fields.push(
      ...shapeDiffs('python', python.decision, expectedKeys).filter((d) => d.field === 'key_order'),
    );
  }
  for (const key of DETERMINISTIC_KEYS) {
    const p = python.decision.get(key);
    const t = ts.decision.get(key);
    if (!sameValue(p, t)) fields.push({ field: key, python: p, typescript: t });
  }
  return fields.length === 0 ? { status: 'match' } : { status: 'mismatch', fields };
}

/** A decision without the volatile keys, as the corpus and regression files store it. */
export function stripVolatile(decision: PyDict): PyDict {
  return new Map([...decision].filter(([key]) => !(typeof key === 'string' && VOLATILE_KEYS.has(key))));
}

export const outcomeValue = (outcome: Outcome): PyValue =>
  outcome.kind === 'decision' ? outcome.decision : new Map<PyValue, PyValue>([['error', outcome.error]]);

/** An oracle answer line (`{"error": ...}` or a decision) as an outcome. */
export function outcomeFromAnswer(answer: PyValue): Outcome {
  if (isPyDict(answer) && answer.size === 1 && typeof answer.get('error') === 'string') {
    return { kind: 'error', error: answer.get('error') as string };
  }
  if (isPyDict(answer)) return { kind: 'decision', decision: answer };
  return { kind: 'error', error: `<adapter answered a non-object: ${dumpsPyJson(answer)}>` };
}
