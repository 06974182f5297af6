import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isPyDict } from '@cavra/policy-model';
import {
  FixtureFormatError,
  ORACLE_DIR,
  oraclePath,
  parseRecordedLines,
  readCorpus,
  readCorpusLines,
  readOracleJson,
  readRegressionLines,
  routeKey,
} from '../src/index.js';

describe('the corpus, read once, in two value models', () => {
  const plain = readCorpus();
  const py = readCorpusLines();

  it('has the 61,468 recorded decisions, the same lines in both models', () => {
    expect(plain).toHaveLength(61_468);
    expect(py).toHaveLength(61_468);
    expect(py.map((l) => l.id)).toEqual(plain.map((c) => c.id));
    expect(new Set(plain.map((c) => c.id)).size).toBe(61_468);
  });

  it('keeps the references relative to fixtures/oracle and resolvable', () => {
    const routes = new Set(plain.map(routeKey));
    expect(routes.size).toBeGreaterThan(1);
    for (const c of plain.filter((x) => x.policy_file || x.registry).slice(0, 50)) {
      if (c.policy_file) expect(isPyDict(readOracleJson(c.policy_file))).toBe(true);
      if (c.registry) expect(isPyDict(readOracleJson(c.registry))).toBe(true);
    }
    expect(oraclePath('compiled/cavra-hipaa.json')).toBe(join(ORACLE_DIR, 'compiled', 'cavra-hipaa.json'));
  });

  it('gives the Python model: ordered mappings, the request and expected objects of the line', () => {
    const [first] = py;
    expect(first?.source).toBe('corpus');
    expect(first?.lineNo).toBe(1);
    expect(first && isPyDict(first.request) && isPyDict(first.expected)).toBe(true);
    expect(first?.line.get('request')).toBe(first?.request);
  });
});

describe('parseRecordedLines', () => {
  it('skips blank lines and numbers lines as in the file', () => {
    const lines = parseRecordedLines('\n{"id": "a", "request": {}, "expected": {}}\n\n', 'x');
    expect(lines.map((l) => [l.id, l.family, l.lineNo])).toEqual([['a', 'unknown', 2]]);
  });

  it.each([
    ['not JSON', '{"id": ', 'x:1: invalid JSON'],
    ['not an object', '[1]', 'x:1: not a JSON object'],
    ['no request', '{"expected": {}}', 'x:1: needs "request" and "expected" objects'],
    [
      'expected not an object',
      '{"request": {}, "expected": 1}',
      'x:1: needs "request" and "expected" objects',
    ],
  ])('refuses a line that is %s with a fixture_invalid error', (_name, text, message) => {
    let caught: unknown;
    try {
      parseRecordedLines(text, 'x');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(FixtureFormatError);
    expect(caught).toMatchObject({ code: 'fixture_invalid', message });
  });

  it('keeps inline policies and registries (regression lines) and drops a null registry', () => {
    const [line] = parseRecordedLines(
      '{"request": {}, "policy_file": {"metadata": {}}, "registry": null, "expected": {}}',
      'r',
    );
    expect(line && isPyDict(line.policyFile)).toBe(true);
    expect(line?.registry).toBeUndefined();
  });
});

describe('readRegressionLines', () => {
  it('reads *.jsonl files in name order and is empty for a missing directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'test-fixtures-'));
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'b.jsonl'), '{"id": "b1", "request": {}, "expected": {}}\n');
    writeFileSync(join(dir, 'a.jsonl'), '{"id": "a1", "request": {}, "expected": {}}\n');
    writeFileSync(join(dir, 'notes.txt'), 'not a regression file');
    expect(readRegressionLines(dir).map((l) => [l.source, l.id])).toEqual([
      ['regressions/a.jsonl', 'a1'],
      ['regressions/b.jsonl', 'b1'],
    ]);
    expect(readRegressionLines(join(dir, 'missing'))).toEqual([]);
  });
});
