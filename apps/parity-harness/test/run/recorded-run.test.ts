import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bundledPackSource } from '@cavra/policy-model';
import { loadCorpus } from '../../src/oracle/recorded.js';
import { runRecorded } from '../../src/run/recorded-run.js';
import { TypeScriptSide } from '../../src/typescript-side.js';

const ORACLE = fileURLToPath(new URL('../../../../fixtures/oracle', import.meta.url));

describe('runRecorded', () => {
  const cases = loadCorpus(ORACLE);
  const typescript = new TypeScriptSide(bundledPackSource);

  it('replays the whole recorded corpus with no mismatch and byte-identical compile output', () => {
    expect(cases).toHaveLength(61468);
    const result = runRecorded({ cases, typescript, packSource: bundledPackSource, oracleDir: ORACLE });
    expect(result.mismatches).toEqual([]);
    expect(result.packs.reduce((n, p) => n + p.cases, 0)).toBe(61468);
    const bundled = result.packs.filter((p) => !p.id.startsWith('cavra-variant-'));
    expect(bundled).toHaveLength(16);
    expect(bundled.every((p) => p.compile.status === 'match')).toBe(true);
  });

  it('catches a tampered recorded answer', () => {
    const [first] = cases.filter((c) => c.case.pack === 'cavra-hipaa' && c.expected.kind === 'decision');
    if (!first || first.expected.kind !== 'decision') throw new Error('fixture');
    const tampered = {
      ...first,
      expected: {
        kind: 'decision' as const,
        decision: new Map(first.expected.decision).set('reason', 'tampered'),
      },
    };
    const result = runRecorded({
      cases: [tampered],
      packs: ['cavra-hipaa'],
      typescript,
      packSource: bundledPackSource,
      oracleDir: ORACLE,
    });
    expect(result.mismatches).toHaveLength(1);
    expect(result.mismatches[0]).toMatchObject({
      kind: 'decision',
      pack: 'cavra-hipaa',
      caseId: `corpus#${first.id}`,
    });
    expect(result.mismatches[0]?.fields.map((f) => f.field)).toEqual(['reason']);
    expect(result.packs[0]?.mismatches).toBe(1);
  });
});
