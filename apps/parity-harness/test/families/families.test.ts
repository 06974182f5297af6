import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundledPackSource } from '@cavra/policy-model';
import { ORACLE_DIR } from '../../src/paths.js';
import { runLiveFamilies, runRecordedFamilies } from '../../src/families/governance-families.js';
import { APPROVAL_ROUTING_FAMILY } from '../../src/families/approval-routing.js';
import { RELEASE_GOVERNANCE_FAMILY } from '../../src/families/release-governance.js';
import { standinCheckout } from '../helpers/standin.js';

const JSON_ROUTING_FILES = ['list.json', 'both-keys.json', 'missing-group.json', 'does-not-exist.json', 'empty-list.json'].map((name) =>
  join(ORACLE_DIR, 'approval-routing', 'files', name),
);

describe('the release-governance and approval-routing families', () => {
  it('recorded: both recordings replay with no mismatch, counted like packs', () => {
    const result = runRecordedFamilies(ORACLE_DIR, bundledPackSource);
    expect(result.packs.map((p) => [p.id, p.cases, p.mismatches])).toEqual([
      [RELEASE_GOVERNANCE_FAMILY, 5000, 0],
      [APPROVAL_ROUTING_FAMILY, 5000, 0],
    ]);
    expect(result.mismatches).toEqual([]);
    const rg = result.packs[0];
    expect(Object.keys(rg?.rules ?? {})).toContain('release_governance.delivery.failed');
  });

  it('live, against the stand-in cavra package (plumbing, not parity): every generated case is answered and compared', { timeout: 60_000 }, async () => {
    const packs = ['cavra-ai-agent-baseline', 'cavra-hipaa'];
    const result = await runLiveFamilies({
      checkout: standinCheckout(),
      packSource: bundledPackSource,
      packs,
      seed: 7,
      numRuns: 200,
      oracleDir: ORACLE_DIR,
      routingFiles: JSON_ROUTING_FILES,
    });
    const [rg, routing] = result.packs;
    expect(rg?.cases).toBe(100);
    expect(routing?.cases).toBe(100);
    expect(Object.keys(rg?.rules ?? {}).length).toBeGreaterThan(3);
    expect([rg?.mismatches, routing?.mismatches]).toEqual([0, 0]);
  });

  it('live: a planted stand-in difference is caught and reported', { timeout: 60_000 }, async () => {
    const base = {
      checkout: standinCheckout(),
      packSource: bundledPackSource,
      packs: ['cavra-ai-agent-baseline'],
      seed: 11,
      numRuns: 800,
      oracleDir: ORACLE_DIR,
      routingFiles: JSON_ROUTING_FILES,
    };
    const honest = await runLiveFamilies(base);
    const planted = await runLiveFamilies({ ...base, pythonEnv: { CAVRA_STANDIN_PLANT: 'rg-first-hyphen' } });
    const rgHonest = honest.packs[0]?.mismatches ?? 0;
    const rgPlanted = planted.packs[0]?.mismatches ?? 0;
    expect(rgHonest).toBe(0);
    expect(rgPlanted).toBeGreaterThan(0);
    const extra = planted.mismatches.filter((m) => m.pack === RELEASE_GOVERNANCE_FAMILY);
    expect(extra.some((m) => m.fields.some((f) => f.field === 'reason'))).toBe(true);
  });
});
