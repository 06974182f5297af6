import { expect } from 'vitest';
import {
  CORRELATION_ID_PATTERN,
  DECISION_ID_PATTERN,
  DECISION_KEYS,
  TIMESTAMP_PATTERN,
  VOLATILE_DECISION_KEYS,
} from '@cavra/policy-model';

export { ORACLE_DIR, readCorpus, readOracleJson, routeKey, type CorpusCase } from '@cavra/test-fixtures';

/** A decision's fields that differ from the recorded Python decision, plus format problems. */
export function decisionProblems(
  decision: Record<string, unknown>,
  expected: Record<string, unknown>,
): string[] {
  const problems: string[] = [];
  const keys = Object.keys(decision);
  if (keys.join(',') !== DECISION_KEYS.join(',')) problems.push(`key order: ${keys.join(',')}`);
  for (const [key, value] of Object.entries(expected)) {
    if (!Object.is(decision[key], value) && JSON.stringify(decision[key]) !== JSON.stringify(value)) {
      problems.push(`${key}: ${JSON.stringify(decision[key])} != ${JSON.stringify(value)}`);
    }
  }
  const deterministic = DECISION_KEYS.filter(
    (key) => !(VOLATILE_DECISION_KEYS as readonly string[]).includes(key),
  );
  for (const key of deterministic) if (!(key in expected)) problems.push(`expected lacks ${key}`);
  const decisionId = String(decision.decision_id);
  if (!DECISION_ID_PATTERN.test(decisionId)) problems.push(`decision_id format: ${decisionId}`);
  if (!CORRELATION_ID_PATTERN.test(String(decision.correlation_id))) problems.push('correlation_id format');
  if (!TIMESTAMP_PATTERN.test(String(decision.timestamp)))
    problems.push(`timestamp format: ${String(decision.timestamp)}`);
  const refs = decision.evidence_refs;
  const expectedRef = `evidence://${String(decision.session_id)}/${decisionId}`;
  if (!Array.isArray(refs) || refs.length !== 1 || refs[0] !== expectedRef) problems.push('evidence_refs');
  return problems;
}

/** Assert that every case matched, showing the first few mismatches in full. */
export function expectNoMismatches(mismatches: readonly string[], total: number): void {
  expect({ total, mismatches: mismatches.length, first: mismatches.slice(0, 10) }).toEqual({
    total,
    mismatches: 0,
    first: [],
  });
}
