import { describe, expect, it } from 'vitest';
import { dumpsPyJson, isPyDict, parsePyJson, pyStr, type PyDict, type PyValue } from '@cavra/policy-model';
import { ORACLE_DIR, expectNoMismatches } from './support/corpus.js';
import { errorLineOf, readRecordedLines } from './support/recorded-lines.js';
import { runMain } from './support/memory-io.js';
import { runCli } from './support/run-cli.js';

const RECORDED = 5_000;
const ROUTING_DIR = `${ORACLE_DIR}approval-routing`;
const cases = readRecordedLines('approval-routing/routes.jsonl.gz');

/** Python parsers' own error texts: compared by exception class only. */
const PARSER_ERRORS = new Set(['JSONDecodeError', 'UnicodeDecodeError', 'ScannerError', 'ParserError', 'ComposerError']);

/** The recorded line as a batch routing request: inline rules as they are, a routing file as its path. */
function requestLine(c: PyDict): string {
  const request = new Map<PyValue, PyValue>([['route', c.get('route') as PyValue]]);
  if (c.has('routing_rules')) request.set('routing_rules', c.get('routing_rules') as PyValue);
  if (c.has('routing_file')) request.set('routing_rules', c.get('routing_file') as PyValue);
  return dumpsPyJson(request, { ensureAscii: false });
}

const batchInput = (): string => cases.map(requestLine).join('\n') + '\n';

function mismatchesOf(lines: readonly string[]): { mismatches: string[]; exact: number } {
  const mismatches: string[] = [];
  let exact = 0;
  cases.forEach((c, i) => {
    const id = pyStr(c.get('id') ?? null);
    const expected = c.get('expected') as PyDict;
    const answer = parsePyJson(lines[i] ?? 'null');
    if (!isPyDict(answer)) return void mismatches.push(`${id}: not an object`);
    const expectedError = expected.get('error');
    if (typeof expectedError === 'string') {
      const got = errorLineOf(answer) ?? '<no error>';
      const type = expectedError.slice(0, expectedError.indexOf(':'));
      if (got === expectedError) exact++;
      else if (!(PARSER_ERRORS.has(type) && got.startsWith(`${type}:`))) mismatches.push(`${id}: ${got} != ${expectedError}`);
      return;
    }
    const got = dumpsPyJson(answer);
    if (got === dumpsPyJson(expected)) exact++;
    else mismatches.push(`${id}: ${got} != ${dumpsPyJson(expected)}`);
  });
  return { mismatches, exact };
}

describe('recorded approval routings', () => {
  it('replay at 100 % through `cavra-runtime approval route --batch`, in-process', async () => {
    expect(cases).toHaveLength(RECORDED);
    const { code, stdout, stderr } = await runMain(['approval', 'route', '--batch'], batchInput(), { cwd: ROUTING_DIR });
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const lines = stdout.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(RECORDED);
    const { mismatches, exact } = mismatchesOf(lines);
    expectNoMismatches(mismatches, RECORDED);
    console.log(`approval routing replay: ${exact} of ${RECORDED} identical, the rest equal by parser error class`);
  });

  it('replay at 100 % through a real `approval route --batch` process', { timeout: 60_000 }, async () => {
    const result = await runCli(['approval', 'route', '--batch'], batchInput(), { cwd: ROUTING_DIR });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines.pop()).toBe('');
    expectNoMismatches(mismatchesOf(lines).mismatches, RECORDED);
  });
});
