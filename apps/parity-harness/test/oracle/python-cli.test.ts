import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  parsePolicyList,
  pythonCompile,
  pythonEvaluate,
  pythonPolicyList,
  pythonVersion,
} from '../../src/oracle/python-cli.js';
import { resolveCheckout } from '../../src/oracle/python-env.js';
import { STANDIN_ROOT, VENDORED_PACKS, standinCheckout } from '../helpers/standin.js';

describe('parsePolicyList', () => {
  it('reads the two-space list, titles with colons and None', () => {
    expect(parsePolicyList('Available policy packs:\n  cavra-a: A: B\n  cavra-b: None\n')).toEqual([
      { id: 'cavra-a', title: 'A: B' },
      { id: 'cavra-b', title: 'None' },
    ]);
  });
});

describe('resolveCheckout', () => {
  it('rejects a directory without src/cavra', () => {
    expect(() => resolveCheckout(VENDORED_PACKS, 'python3', VENDORED_PACKS)).toThrow(/has no src\/cavra/);
    expect(() => resolveCheckout('/nonexistent', 'python3', VENDORED_PACKS)).toThrow(/not found/);
    expect(resolveCheckout(STANDIN_ROOT, 'python3', VENDORED_PACKS).root).toBe(
      STANDIN_ROOT.replace(/\/$/, ''),
    );
  });
});

describe('the Python CLI (stand-in package)', () => {
  const checkout = standinCheckout();

  it('runs version, policy list, policy compile and evaluate --json', async () => {
    const [version, list, compile, evaluate] = await Promise.all([
      pythonVersion(checkout),
      pythonPolicyList(checkout),
      pythonCompile(checkout, 'cavra-hipaa'),
      pythonEvaluate(checkout, 'execute_command', '-rf x', 'cavra-hipaa'),
    ]);
    expect(version).toBe('cavra 0.1.0');
    expect(list).toHaveLength(16);
    expect(compile.exitCode).toBe(0);
    const recorded = readFileSync(
      fileURLToPath(new URL('../../../../fixtures/oracle/compiled/cavra-hipaa.json', import.meta.url)),
      'utf8',
    );
    expect(compile.stdout).toBe(recorded);
    expect(evaluate.exitCode).toBe(0);
    expect(JSON.parse(evaluate.stdout)).toMatchObject({ target: '-rf x', policy_pack: 'cavra-hipaa' });
  });
});
