import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import {
  CORRELATION_ID_PATTERN,
  DECISION_ID_PATTERN,
  DECISION_KEYS,
  TIMESTAMP_PATTERN,
  VOLATILE_DECISION_KEYS,
  dumpsPyJson,
  isPyDict,
  parsePyJson,
  pyStr,
  type PyDict,
  type PyValue,
} from '@cavra/policy-model';
import { ORACLE_DIR } from '@cavra/test-fixtures';

/** One recorded line of a gzipped JSON Lines file under fixtures/oracle, read as Python reads JSON. */
export function readRecordedLines(relativePath: string): PyDict[] {
  const text = gunzipSync(readFileSync(`${ORACLE_DIR}${relativePath}`)).toString('utf8');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const value = parsePyJson(line);
      if (!isPyDict(value)) throw new Error(`not an object: ${line.slice(0, 80)}`);
      return value;
    });
}

/** A value's exact JSON text (Python's): `1` and `1.0` and `true` stay apart. */
export const exactJson = (value: PyValue | undefined): string =>
  value === undefined ? '<absent>' : dumpsPyJson(value, { ensureAscii: false });

/** Differences between a full decision and the recorded one (deterministic keys), plus format checks. */
export function recordedDecisionProblems(decision: PyDict, expected: PyDict): string[] {
  const problems: string[] = [];
  const keys = [...decision.keys()].map((key) => pyStr(key)).join(',');
  if (keys !== DECISION_KEYS.join(',')) problems.push(`key order: ${keys}`);
  for (const key of DECISION_KEYS) {
    if ((VOLATILE_DECISION_KEYS as readonly string[]).includes(key)) continue;
    const got = exactJson(decision.get(key));
    const want = exactJson(expected.get(key));
    if (got !== want) problems.push(`${key}: ${got} != ${want}`);
  }
  const decisionId = decision.get('decision_id');
  if (typeof decisionId !== 'string' || !DECISION_ID_PATTERN.test(decisionId)) problems.push('decision_id format');
  const correlationId = decision.get('correlation_id');
  if (typeof correlationId !== 'string' || !CORRELATION_ID_PATTERN.test(correlationId)) problems.push('correlation_id');
  const timestamp = decision.get('timestamp');
  if (typeof timestamp !== 'string' || !TIMESTAMP_PATTERN.test(timestamp)) problems.push('timestamp format');
  const refs = exactJson(decision.get('evidence_refs'));
  const session = decision.get('session_id');
  const expectedRefs = exactJson([`evidence://${pyStr(session ?? null)}/${pyStr(decisionId ?? null)}`]);
  if (refs !== expectedRefs) problems.push(`evidence_refs: ${refs}`);
  return problems;
}

/** The Python exception line of a CLI error object, `<none>` when it has none. */
export function errorLineOf(answer: PyDict): string | undefined {
  const error = answer.get('error');
  if (!isPyDict(error)) return undefined;
  const python = error.get('python');
  return typeof python === 'string' ? python : '<none>';
}
