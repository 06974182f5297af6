import { describe, expect, it } from 'vitest';
import { cliEvaluateFamily } from '../../src/families/cli-evaluate.js';
import { compileFamily } from '../../src/families/compile.js';
import { decisionFamily } from '../../src/families/decision.js';
import type { FamilyTally } from '../../src/run/case-loop.js';
import { packResults } from '../../src/run/pack-results.js';

const tally = (family: string, pack: string, over: Partial<FamilyTally> = {}): FamilyTally => ({
  family,
  pack,
  cases: 1,
  mismatches: 0,
  allowed: {},
  rules: {},
  reachableRules: [],
  records: [],
  oracleMs: 0,
  elapsedMs: 10,
  ...over,
});

const FAMILIES = [compileFamily, decisionFamily, cliEvaluateFamily];

describe('packResults', () => {
  it('folds every family into one result per pack, in code-point order', () => {
    const { packs } = packResults(
      FAMILIES,
      [
        tally('decision', 'b', {
          cases: 10,
          mismatches: 1,
          allowed: { x: 2 },
          rules: { r1: 3, r2: 0 },
          reachableRules: ['r1', 'r2'],
        }),
        tally('compile', 'b'),
        tally('cli-evaluate', 'b', { cases: 2, mismatches: 1 }),
        tally('decision', 'a', { cases: 4 }),
      ],
      ['c'],
    );
    expect(packs.map((p) => p.id)).toEqual(['a', 'b', 'c']);
    const b = packs[1];
    expect(b).toMatchObject({
      cases: 10, // checks families are not cases
      mismatches: 2,
      allowedDifferences: { x: 2 },
      unreachedRules: ['r2'],
      compile: { status: 'match' },
      cliSpotChecks: { cases: 2, mismatches: 1 },
      families: {
        decision: { cases: 10, mismatches: 1, allowedDifferences: { x: 2 } },
        compile: { cases: 1, mismatches: 0 },
        'cli-evaluate': { cases: 2, mismatches: 1 },
      },
      elapsedMs: 30,
    });
    expect(packs[0]?.compile).toEqual({ status: 'skipped', detail: 'no recorded compile output' });
    expect(packs[2]).toMatchObject({ cases: 0, mismatches: 0, families: {} });
  });

  it('a compile mismatch is a status with the first differing line, and counts as a mismatch', () => {
    const record = {
      kind: 'compile',
      pack: 'a',
      request: 'policy compile --policy-pack a',
      python: 'x',
      typescript: 'y',
      fields: [
        { field: 'compile', python: 'x', typescript: 'y', note: 'line 1: python "x" vs typescript "y"' },
      ],
      shrunk: false,
    };
    const { packs, mismatches } = packResults(FAMILIES, [
      tally('compile', 'a', { mismatches: 1, records: [record] }),
    ]);
    expect(packs[0]).toMatchObject({
      mismatches: 1,
      compile: { status: 'mismatch', detail: 'line 1: python "x" vs typescript "y"' },
    });
    expect(mismatches).toEqual([record]);
  });
});
