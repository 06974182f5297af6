import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bundledPackSource, isPyDict, parsePyJson, pyStr, toPlainJson } from '@cavra/policy-model';
import { packProfile } from '../../src/generate/profile.js';
import { runGeneratedPack } from '../../src/run/generated.js';
import { TypeScriptSide } from '../../src/typescript-side.js';
import { MirrorStandInOracle, WrongSeverityStandInOracle } from '../helpers/standin.js';

const compiled = (id: string) => {
  const ref = fileURLToPath(new URL(`../../../../fixtures/oracle/compiled/${id}.json`, import.meta.url));
  return { ref, value: parsePyJson(readFileSync(ref, 'utf8')) };
};

describe('runGeneratedPack', () => {
  const typescript = new TypeScriptSide(bundledPackSource);

  it('finds no mismatch against a faithful stand-in and counts the allowed difference separately', async () => {
    const policy = compiled('cavra-mcp-enterprise');
    const result = await runGeneratedPack({
      profile: packProfile('cavra-mcp-enterprise', policy.value),
      compiled: policy,
      oracle: new MirrorStandInOracle(),
      typescript,
      seed: 11,
      numRuns: 600,
      batchSize: 128,
    });
    expect(result.mismatchCount).toBe(0);
    expect(result.cases).toBe(600);
    expect(result.allowed.unknown_action_type).toBeGreaterThan(0);
    // Every rule this pack can produce is reached by 600 generated cases.
    expect(
      Object.entries(result.rules)
        .filter(([, n]) => n === 0)
        .map(([r]) => r),
    ).toEqual([]);
  });

  it('catches a deliberately wrong stand-in oracle and shrinks the counterexample', async () => {
    const policy = compiled('cavra-ai-agent-baseline');
    const oracle = new WrongSeverityStandInOracle();
    const result = await runGeneratedPack({
      profile: packProfile('cavra-ai-agent-baseline', policy.value),
      compiled: policy,
      oracle,
      typescript,
      seed: 5,
      numRuns: 800,
    });
    expect(result.mismatchCount).toBeGreaterThan(0);
    const shrunk = result.mismatches.filter((m) => m.shrunk);
    expect(shrunk).toHaveLength(1);
    const [m] = shrunk;
    expect(m?.fields.map((f) => f.field)).toEqual(['severity']);
    expect(m?.fields[0]).toMatchObject({ python: 'high', typescript: 'critical' });
    expect(m?.replay?.seed).toBe(5);
    const request = toPlainJson(m!.request) as Record<string, string | undefined>;
    const target = request.target ?? '';
    // Minimal: an execute_command whose target is a block pattern instance with `apply`, no identity, no registry.
    expect(request.action_type).toBe('execute_command');
    expect(target).toContain('apply');
    expect(request).not.toHaveProperty('session_id');
    expect(request).not.toHaveProperty('registry');
    // Shrinking starts from the first mismatch and ends with no padding and no filler beyond `apply`.
    const first = result.mismatches.find((x) => !x.shrunk);
    const firstTarget = first && isPyDict(first.request) ? pyStr(first.request.get('target') ?? null) : '';
    expect(target.length).toBeLessThanOrEqual(firstTarget.length);
    expect(target.trim()).toBe(target);
    expect(target).toMatch(/^[^*]*apply$/);
    expect(request).not.toHaveProperty('agent_id');
    expect(request).not.toHaveProperty('actor');
  });
});
