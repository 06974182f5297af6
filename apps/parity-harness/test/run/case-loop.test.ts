import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bundledPackSource, isPyDict, parsePyJson, pyStr, toPlainJson } from '@cavra/policy-model';
import type { CaseFamily, Oracle, TypeScriptContext } from '../../src/family.js';
import { decisionFamily } from '../../src/families/decision.js';
import { drawCases, runCases } from '../../src/run/case-loop.js';
import { TypeScriptSide } from '../../src/typescript-side.js';
import { MirrorStandInOracle, WrongSeverityStandInOracle } from '../helpers/standin.js';

const compiled = (id: string) => {
  const ref = fileURLToPath(new URL(`../../../../fixtures/oracle/compiled/${id}.json`, import.meta.url));
  return { ref, value: parsePyJson(readFileSync(ref, 'utf8')) };
};
const typescript: TypeScriptContext = {
  decisions: new TypeScriptSide(bundledPackSource),
  packSource: bundledPackSource,
};

/** Decision cases for one pack as live mode draws them. */
function generatedDecisions(pack: string, seed: number, numRuns: number) {
  const policy = compiled(pack);
  const generated = decisionFamily.generate({
    pack,
    packIndex: 0,
    packSource: bundledPackSource,
    policy,
    settings: { seed, numRuns, cliChecksPerPack: 0 },
  });
  if (generated?.kind !== 'property') throw new Error('the decision family generates a property');
  return { generated, cases: drawCases(generated, seed), policy };
}

describe('runCases with the decision family (generated cases)', () => {
  it('finds no mismatch against a faithful stand-in and counts the allowed difference separately', async () => {
    const { cases, policy } = generatedDecisions('cavra-mcp-enterprise', 11, 600);
    const result = await runCases({
      family: { ...decisionFamily, batchSize: 128 },
      pack: 'cavra-mcp-enterprise',
      cases,
      oracle: new MirrorStandInOracle(),
      typescript,
      reachableRules: decisionFamily.reachableRules?.('cavra-mcp-enterprise', policy.value, cases) ?? [],
    });
    expect(result).toMatchObject({ family: 'decision', cases: 600, mismatches: 0, records: [] });
    expect(result.allowed.unknown_action_type).toBeGreaterThan(0);
    // Every rule this pack can produce is reached by 600 generated cases.
    expect(result.reachableRules.length).toBeGreaterThan(5);
    expect(Object.entries(result.rules).filter(([, n]) => n === 0)).toEqual([]);
  });

  it('catches a deliberately wrong stand-in oracle and shrinks the counterexample', async () => {
    const { generated, cases } = generatedDecisions('cavra-ai-agent-baseline', 5, 800);
    const result = await runCases({
      family: decisionFamily,
      pack: 'cavra-ai-agent-baseline',
      cases,
      oracle: new WrongSeverityStandInOracle(),
      typescript,
      shrink: { generated, seed: 5 },
    });
    expect(result.mismatches).toBeGreaterThan(0);
    const shrunk = result.records.filter((m) => m.shrunk);
    expect(shrunk).toHaveLength(1);
    const [m] = shrunk;
    expect(m?.kind).toBe('decision');
    expect(m?.fields.map((f) => f.field)).toEqual(['severity']);
    expect(m?.fields[0]).toMatchObject({ python: 'high', typescript: 'critical' });
    expect(m?.replay?.seed).toBe(5);
    const request = toPlainJson(m!.request) as Record<string, string | undefined>;
    const target = request.target ?? '';
    // Minimal: an execute_command whose target is a block pattern instance with `apply`, no identity, no registry.
    expect(request.action_type).toBe('execute_command');
    expect(request).not.toHaveProperty('session_id');
    expect(request).not.toHaveProperty('registry');
    expect(request).not.toHaveProperty('agent_id');
    expect(request).not.toHaveProperty('actor');
    // Shrinking starts from the first mismatch and ends with no padding and no filler beyond `apply`.
    const first = result.records.find((x) => !x.shrunk);
    const firstTarget = first && isPyDict(first.request) ? pyStr(first.request.get('target') ?? null) : '';
    expect(target.length).toBeLessThanOrEqual(firstTarget.length);
    expect(target.trim()).toBe(target);
    expect(target).toMatch(/^[^*]*apply$/);
  });
});

/** A toy family (strings, upper-cased by TypeScript) to test the loop itself. */
const upperFamily: CaseFamily<string, string> = {
  id: 'upper',
  title: 'toy family for the loop tests',
  counts: 'cases',
  batchSize: 3,
  recorded: () => [],
  generate: () => undefined,
  liveOracle: () => {
    throw new Error('not live');
  },
  typescript: (c) => c.toUpperCase(),
  compare: (python, ts) =>
    python === ts
      ? { status: 'match' }
      : python === `${ts}!`
        ? { status: 'allowed', difference: 'exclamation' }
        : { status: 'mismatch', fields: [{ field: 'text', python, typescript: ts }] },
  pack: () => 'toy',
  show: (c) => c,
  showAnswer: (a) => a,
  rule: (python) => python.slice(0, 1),
};

/** A stand-in oracle that answers from a table and records the batches it was asked. */
class TableStandInOracle implements Oracle<string, string> {
  readonly hasVolatile = false;
  readonly batches: number[] = [];
  constructor(private readonly table: Record<string, string>) {}
  answer(cases: readonly string[]): Promise<string[]> {
    this.batches.push(cases.length);
    return Promise.resolve(cases.map((c) => this.table[c] ?? '?'));
  }
}

describe('runCases (the loop, any family)', () => {
  const table = { a: 'A', b: 'B!', c: 'X', d: 'D', e: 'E', f: 'F', g: 'Y' };

  it('tallies matches, allowed differences, mismatches with case ids and coverage, in batches', async () => {
    const oracle = new TableStandInOracle(table);
    const progress: number[] = [];
    const result = await runCases({
      family: upperFamily,
      pack: 'toy',
      cases: Object.keys(table),
      caseIds: Object.keys(table).map((k) => `toy#${k}`),
      oracle,
      typescript,
      reachableRules: ['A', 'Z'],
      onProgress: (p) => progress.push(p.done),
    });
    expect(oracle.batches).toEqual([3, 3, 1]);
    expect(progress).toEqual([0, 3, 6, 7]);
    expect(result).toMatchObject({ family: 'upper', pack: 'toy', cases: 7, mismatches: 2 });
    expect(result.allowed).toEqual({ exclamation: 1 });
    expect(result.rules).toMatchObject({ A: 1, Z: 0, X: 1 });
    expect(result.records.map((r) => [r.kind, r.caseId, r.python, r.typescript])).toEqual([
      ['upper', 'toy#c', 'X', 'C'],
      ['upper', 'toy#g', 'Y', 'G'],
    ]);
  });

  it('fails loudly when an oracle answers the wrong number of cases (never drops a case)', async () => {
    const short: Oracle<string, string> = { hasVolatile: false, answer: () => Promise.resolve(['A']) };
    await expect(
      runCases({ family: upperFamily, pack: 'toy', cases: ['a', 'b'], oracle: short, typescript }),
    ).rejects.toThrow('the oracle gave 1 answers for 2 cases');
  });
});
