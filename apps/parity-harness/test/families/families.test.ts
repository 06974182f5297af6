import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundledPackSource } from '@cavra/policy-model';
import {
  APPROVAL_ROUTING_FAMILY,
  PARSER_MESSAGE_DIFFERENCE,
  compareRouting,
  createApprovalRoutingFamily,
  approvalRoutingFamily,
} from '../../src/families/approval-routing.js';
import { FAMILIES } from '../../src/families/index.js';
import { RELEASE_GOVERNANCE_FAMILY, releaseGovernanceFamily } from '../../src/families/release-governance.js';
import type { AnyCaseFamily, TypeScriptContext } from '../../src/family.js';
import { ORACLE_DIR } from '../../src/paths.js';
import { runLive } from '../../src/run/live-run.js';
import { runRecorded } from '../../src/run/recorded-run.js';
import type { PackResult } from '../../src/run/types.js';
import { TypeScriptSide } from '../../src/typescript-side.js';
import { standinCheckout } from '../helpers/standin.js';

const JSON_ROUTING_FILES = ['list.json', 'both-keys.json', 'missing-group.json', 'does-not-exist.json', 'empty-list.json'].map((name) =>
  join(ORACLE_DIR, 'approval-routing', 'files', name),
);

const typescript: TypeScriptContext = { decisions: new TypeScriptSide(bundledPackSource), packSource: bundledPackSource };

/** One family's counts summed over the packs (what summary.json's `families` totals hold). */
function familyTotal(packs: readonly PackResult[], id: string) {
  const total = { cases: 0, mismatches: 0, allowed: {} as Record<string, number> };
  for (const p of packs) {
    const f = p.families[id];
    if (!f) continue;
    total.cases += f.cases;
    total.mismatches += f.mismatches;
    for (const [k, n] of Object.entries(f.allowedDifferences)) total.allowed[k] = (total.allowed[k] ?? 0) + n;
  }
  return total;
}

async function live(families: readonly AnyCaseFamily[], seed: number, numRuns: number, pythonEnv?: Record<string, string>) {
  const workDir = mkdtempSync(join(tmpdir(), 'parity-families-test-'));
  try {
    return await runLive({
      families,
      checkout: standinCheckout(),
      packs: ['cavra-ai-agent-baseline', 'cavra-hipaa'],
      settings: { seed, numRuns, cliChecksPerPack: 0 },
      typescript,
      packSource: bundledPackSource,
      workDir,
      ...(pythonEnv ? { pythonEnv } : {}),
    });
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

describe('the release-governance and approval-routing families', () => {
  it('are registered in the one case loop', () => {
    expect(FAMILIES.map((f) => f.id)).toEqual(expect.arrayContaining([RELEASE_GOVERNANCE_FAMILY, APPROVAL_ROUTING_FAMILY]));
  });

  it('recorded: both recordings replay at 100 %, counted per family in the pack rows', async () => {
    const result = await runRecorded({
      families: [releaseGovernanceFamily, approvalRoutingFamily],
      lines: [],
      typescript,
      packSource: bundledPackSource,
      oracleDir: ORACLE_DIR,
    });
    expect(result.mismatches).toEqual([]);
    const rg = familyTotal(result.packs, RELEASE_GOVERNANCE_FAMILY);
    const routing = familyTotal(result.packs, APPROVAL_ROUTING_FAMILY);
    expect(rg).toEqual({ cases: 5000, mismatches: 0, allowed: {} });
    // 4,946 identical answers; 54 PyYAML parser messages compared by exception class only.
    expect(routing).toEqual({ cases: 5000, mismatches: 0, allowed: { [PARSER_MESSAGE_DIFFERENCE]: 54 } });
    const rules = Object.assign({}, ...result.packs.map((p) => p.rules)) as Record<string, number>;
    expect(Object.keys(rules)).toContain('release_governance.delivery.failed');
  });

  it('routing answers: groups exactly, errors by line, parser errors by class only', () => {
    const group = (g: string | null) => ({ kind: 'group' as const, group: g });
    const error = (e: string) => ({ kind: 'error' as const, error: e });
    expect(compareRouting(group('IAM'), group('IAM')).status).toBe('match');
    expect(compareRouting(group('IAM'), group(null)).status).toBe('mismatch');
    expect(compareRouting(group(null), error('ValueError: x')).status).toBe('mismatch');
    expect(compareRouting(error('ValueError: x'), error('ValueError: y')).status).toBe('mismatch');
    expect(compareRouting(error('ScannerError: a'), error('ScannerError: b'))).toEqual({
      status: 'allowed',
      difference: PARSER_MESSAGE_DIFFERENCE,
    });
    expect(compareRouting(error('ScannerError: a'), error('ParserError: a')).status).toBe('mismatch');
  });

  it(
    'live, against the stand-in cavra package (plumbing, not parity): every generated case is answered and compared',
    { timeout: 60_000 },
    async () => {
      const result = await live([releaseGovernanceFamily, createApprovalRoutingFamily({ routingFiles: JSON_ROUTING_FILES })], 7, 200);
      const rg = familyTotal(result.packs, RELEASE_GOVERNANCE_FAMILY);
      const routing = familyTotal(result.packs, APPROVAL_ROUTING_FAMILY);
      expect([rg.cases, routing.cases]).toEqual([100, 100]);
      expect([rg.mismatches, routing.mismatches]).toEqual([0, 0]);
      const rgRules = result.packs.flatMap((p) => Object.keys(p.rules));
      expect(new Set(rgRules).size).toBeGreaterThan(3);
    },
  );

  it('live: a planted stand-in difference is caught, reported and shrunk', { timeout: 60_000 }, async () => {
    const planted = await live([releaseGovernanceFamily], 11, 800, { CAVRA_STANDIN_PLANT: 'rg-first-hyphen' });
    expect(familyTotal(planted.packs, RELEASE_GOVERNANCE_FAMILY).mismatches).toBeGreaterThan(0);
    const records = planted.mismatches.filter((m) => m.kind === RELEASE_GOVERNANCE_FAMILY);
    expect(records.some((m) => m.fields.some((f) => f.field === 'reason'))).toBe(true);
    expect(records.some((m) => m.shrunk)).toBe(true);
  });
});
