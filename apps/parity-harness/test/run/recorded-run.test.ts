import { describe, expect, it } from 'vitest';
import { bundledPackSource, fromPlainJson } from '@cavra/policy-model';
import { ORACLE_DIR, parseRecordedLines, readCorpusText, type RecordedLine } from '@cavra/test-fixtures';
import { APPROVAL_ROUTING_FAMILY } from '../../src/families/approval-routing.js';
import { FAMILIES } from '../../src/families/index.js';
import { RELEASE_GOVERNANCE_FAMILY } from '../../src/families/release-governance.js';
import { runRecorded } from '../../src/run/recorded-run.js';
import { TypeScriptSide } from '../../src/typescript-side.js';

// The whole corpus is replayed in-process once, by `pnpm parity` (recorded mode); these tests
// check the recorded-mode plumbing on a slice of it.

const typescript = { decisions: new TypeScriptSide(bundledPackSource), packSource: bundledPackSource };
const slice = (from: number, count: number): RecordedLine[] =>
  parseRecordedLines(
    readCorpusText()
      .split('\n')
      .slice(from, from + count)
      .join('\n'),
    'corpus',
  );
// The families fed by the corpus slice; release governance and approval routing replay their own
// recordings whole, in test/families/families.test.ts.
const SLICE_FAMILIES = FAMILIES.filter((f) => f.id !== RELEASE_GOVERNANCE_FAMILY && f.id !== APPROVAL_ROUTING_FAMILY);
const run = (lines: readonly RecordedLine[], packs?: string[]) =>
  runRecorded({
    families: SLICE_FAMILIES,
    lines,
    ...(packs ? { packs } : {}),
    typescript,
    packSource: bundledPackSource,
    oracleDir: ORACLE_DIR,
  });

describe('runRecorded', () => {
  const lines = slice(0, 2000);

  it('replays recorded decisions and compile outputs through the families, per pack', async () => {
    const result = await run(lines);
    expect(result.mismatches).toEqual([]);
    const decisions = result.packs.reduce((n, p) => n + (p.families.decision?.cases ?? 0), 0);
    expect(decisions).toBe(2000);
    expect(result.packs.reduce((n, p) => n + p.cases, 0)).toBe(2000);
    // Compile is a check family: one per pack with a recorded output, not counted as a case.
    const bundled = result.packs.filter((p) => !p.id.startsWith('cavra-variant-'));
    expect(bundled).toHaveLength(16);
    expect(bundled.every((p) => p.compile.status === 'match' && p.families.compile?.cases === 1)).toBe(true);
  });

  it('catches a tampered recorded answer and names the case', async () => {
    const first = lines.find(
      (l) => typeof l.request.get('policy_pack') === 'string' && !l.policyFile && l.expected.has('reason'),
    );
    const pack = first?.request.get('policy_pack');
    if (!first || typeof pack !== 'string' || !pack)
      throw new Error('fixture: no pack-route decision in the slice');
    const tampered = { ...first, expected: new Map(first.expected).set('reason', 'tampered') };
    const result = await run([tampered], [pack]);
    expect(result.mismatches).toHaveLength(1);
    expect(result.mismatches[0]).toMatchObject({ kind: 'decision', pack, caseId: `corpus#${first.id}` });
    expect(result.mismatches[0]?.fields.map((f) => f.field)).toEqual(['reason']);
    expect(result.packs.map((p) => [p.id, p.mismatches, p.compile.status])).toEqual([[pack, 1, 'match']]);
  });

  it('reads regression lines with an inline compiled policy and registry', async () => {
    const [line] = parseRecordedLines(
      JSON.stringify({
        id: 'r1',
        family: 'regression',
        request: { action_type: 'mcp_tool_call', server: 'github', tool: 'search' },
        policy_file: { metadata: { id: 'inline-pack' }, mcp: { allowed_servers: [], blocked_servers: [] } },
        registry: { mcp_servers: [{ server_id: 'github', trust_tier: 'blocked' }] },
        expected: { decision: 'block' },
      }),
      'regressions/x.jsonl',
    );
    const result = await run([line!]);
    const decision = result.packs.find((p) => p.id === 'inline-pack');
    expect(decision?.families.decision?.cases).toBe(1);
    // Only `decision` was recorded, so every other deterministic field differs and is reported.
    const [m] = result.mismatches;
    expect(m).toMatchObject({ kind: 'decision', pack: 'inline-pack', caseId: 'regressions/x.jsonl#r1' });
    expect(m?.request).toEqual(
      fromPlainJson({
        action_type: 'mcp_tool_call',
        server: 'github',
        tool: 'search',
        policy_file: 'inline:regressions/x.jsonl:1',
        registry: { mcp_servers: [{ server_id: 'github', trust_tier: 'blocked' }] },
      }),
    );
  });
});
