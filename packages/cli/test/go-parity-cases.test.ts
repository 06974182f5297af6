import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createDecisionEngine } from '@cavra/engine';
import { ORACLE_DIR, readOracleJson } from './support/corpus.js';

interface GoParityCase {
  name: string;
  request: Record<string, string>;
  expected: { decision: string; rule_id: string; severity: string; approver_group?: string; evidence_ref_prefix?: string };
}

const cases = JSON.parse(readFileSync(`${ORACLE_DIR}go-testdata/parity_cases.json`, 'utf8')) as GoParityCase[];
const withRegistry = createDecisionEngine({ registry: readOracleJson('go-testdata/mcp_registry.json') });
const withoutRegistry = createDecisionEngine();

describe('the old Go port’s 23 parity cases', () => {
  it('has all 23 cases', () => expect(cases).toHaveLength(23));

  // The Go suite ran registry-backed MCP cases against its registry fixture, the rest without one.
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const engine = c.expected.rule_id.startsWith('mcp.registry.') ? withRegistry : withoutRegistry;
    const decision = engine.decide(c.request);
    expect({ decision: decision.decision, rule_id: decision.rule_id, severity: decision.severity }).toEqual({
      decision: c.expected.decision,
      rule_id: c.expected.rule_id,
      severity: c.expected.severity,
    });
    if (c.expected.approver_group !== undefined) expect(decision.approver_group).toBe(c.expected.approver_group);
    if (c.expected.evidence_ref_prefix !== undefined) {
      expect(decision.evidence_refs[0]?.startsWith(c.expected.evidence_ref_prefix)).toBe(true);
    }
  });
});
