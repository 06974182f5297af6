import { describe, expect, it } from 'vitest';
import { dumpsPyJson, isPyDict, parsePyJson, pyStr, type PyDict } from '@cavra/policy-model';
import { expectNoMismatches } from './support/corpus.js';
import { errorLineOf, readRecordedLines, recordedDecisionProblems } from './support/recorded-lines.js';
import { runMain } from './support/memory-io.js';
import { runCli } from './support/run-cli.js';

const RECORDED = 5_000;
const cases = readRecordedLines('release-governance/decisions.jsonl.gz');

/** The batch input: each recorded request re-written as one line (number types kept: 1.0, 1e400 as Infinity). */
const batchInput = (): string =>
  cases.map((c) => dumpsPyJson(c.get('request') as PyDict, { ensureAscii: false })).join('\n') + '\n';

function mismatchesOf(outputLines: readonly string[]): string[] {
  const mismatches: string[] = [];
  cases.forEach((c, i) => {
    const id = pyStr(c.get('id') ?? null);
    const expected = c.get('expected') as PyDict;
    const answer = parsePyJson(outputLines[i] ?? 'null');
    if (!isPyDict(answer)) {
      mismatches.push(`${id}: not an object: ${outputLines[i]}`);
      return;
    }
    const expectedError = expected.get('error');
    if (typeof expectedError === 'string') {
      const got = errorLineOf(answer);
      if (got !== expectedError) mismatches.push(`${id}: ${String(got)} != ${expectedError}`);
      return;
    }
    const problems = recordedDecisionProblems(answer, expected);
    if (problems.length > 0) mismatches.push(`${id}: ${problems.join('; ')}`);
  });
  return mismatches;
}

describe('recorded release-governance decisions', () => {
  it('replay at 100 % through `cavra-runtime --batch`, in-process', async () => {
    expect(cases).toHaveLength(RECORDED);
    const { code, stdout, stderr } = await runMain(['--batch'], batchInput());
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const lines = stdout.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(RECORDED);
    expectNoMismatches(mismatchesOf(lines), RECORDED);
  });

  it('replay at 100 % through a real `cavra-runtime --batch` process', { timeout: 60_000 }, async () => {
    const result = await runCli(['--batch'], batchInput());
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines.pop()).toBe('');
    expectNoMismatches(mismatchesOf(lines), RECORDED);
  });
});
