import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromPlainJson } from '@cavra/policy-model';
import { renderJunit, xmlEscape } from '../../src/report/junit.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { ProgressReporter } from '../../src/report/progress.js';
import { buildSummary, writeReports } from '../../src/report/summary.js';
import type { MismatchRecord, PackResult } from '../../src/run/types.js';

const pack = (id: string, mismatches: number): PackResult => ({
  id,
  cases: 100,
  mismatches,
  allowedDifferences: { unknown_action_type: 3 },
  rules: { 'commands.block': 40, 'commands.allow': 0 },
  reachableRules: ['commands.allow', 'commands.block'],
  unreachedRules: ['commands.allow'],
  compile: { status: 'match' },
  cliSpotChecks: { cases: 1, mismatches: 0 },
  families: {
    compile: { cases: 1, mismatches: 0, allowedDifferences: {} },
    decision: { cases: 100, mismatches, allowedDifferences: { unknown_action_type: 3 } },
    'cli-evaluate': { cases: 1, mismatches: 0, allowedDifferences: {} },
  },
  elapsedMs: 1234,
});

const mismatch: MismatchRecord = {
  kind: 'decision',
  pack: 'cavra-b',
  request: fromPlainJson({ action_type: 'execute_command', target: 'terraform apply <x> & "y"\u0001|z' }),
  python: fromPlainJson({ severity: 'critical' }),
  typescript: fromPlainJson({ severity: 'high' }),
  fields: [{ field: 'severity', python: 'critical', typescript: 'high' }],
  shrunk: true,
  replay: { seed: 42, path: '3:1:0' },
};

const summary = () =>
  buildSummary({
    mode: 'live',
    seed: 42,
    numRuns: 100,
    command: 'pnpm parity --seed 42',
    startedAt: new Date('2026-01-01T00:00:00Z'),
    durationMs: 2500,
    python: {
      version: 'cavra 0.1.0',
      root: '/py',
      interpreter: 'python3',
      adapterPython: '3.11.7',
      cavra: '0.1.0',
    },
    packs: [pack('cavra-a', 0), pack('cavra-b', 1)],
    mismatches: [mismatch],
    oracleCasesPerSecond: 12000,
    notes: ['a note'],
    families: [
      { id: 'compile', title: 'compile output', counts: 'checks' },
      { id: 'decision', title: 'decisions', counts: 'cases' },
      { id: 'cli-evaluate', title: 'CLI spot checks', counts: 'checks' },
    ],
  });

describe('summary.json', () => {
  it('has the fields CI relies on', () => {
    const s = summary();
    expect(s).toMatchObject({ mode: 'live', seed: 42, exitCode: 1 });
    expect(s.packs[1]).toMatchObject({
      id: 'cavra-b',
      cases: 100,
      mismatches: 1,
      rules: { 'commands.block': 40 },
    });
    expect(s.mismatches[0]).toMatchObject({
      pack: 'cavra-b',
      request: { action_type: 'execute_command' },
      python: { severity: 'critical' },
      typescript: { severity: 'high' },
      fields: [{ field: 'severity', python: 'critical', typescript: 'high' }],
      shrunk: true,
    });
    expect(s.totals).toEqual({
      packs: 2,
      cases: 200,
      mismatches: 1,
      allowedDifferences: 6,
      compileMismatches: 0,
      packsWithMismatches: 1,
      unreachedRules: 2,
      oracleCasesPerSecond: 12000,
    });
    expect(s.allowedDifferences).toEqual({ unknown_action_type: 6 });
    expect(s.families).toEqual([
      {
        id: 'compile',
        title: 'compile output',
        counts: 'checks',
        packs: 2,
        cases: 2,
        mismatches: 0,
        allowedDifferences: {},
      },
      {
        id: 'decision',
        title: 'decisions',
        counts: 'cases',
        packs: 2,
        cases: 200,
        mismatches: 1,
        allowedDifferences: { unknown_action_type: 6 },
      },
      {
        id: 'cli-evaluate',
        title: 'CLI spot checks',
        counts: 'checks',
        packs: 2,
        cases: 2,
        mismatches: 0,
        allowedDifferences: {},
      },
    ]);
    expect(s.packs[0]?.families.decision).toEqual({
      cases: 100,
      mismatches: 0,
      allowedDifferences: { unknown_action_type: 3 },
    });
  });

  it('writes the three report files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parity-report-test-'));
    const paths = writeReports(dir, summary());
    expect(JSON.parse(readFileSync(paths.json, 'utf8'))).toMatchObject({ mode: 'live', seed: 42 });
    expect(readFileSync(paths.markdown, 'utf8')).toContain('| cavra-b | 100 | **1** |');
    expect(readFileSync(paths.junit, 'utf8')).toContain(
      '<testcase classname="parity.live.decision" name="cavra-a"',
    );
  });
});

describe('summary.md', () => {
  it('is a readable table with the shrunk counterexample and how to reproduce', () => {
    const md = renderMarkdown(summary());
    expect(md).toContain('❌ 1 mismatch(es)');
    expect(md).toContain(
      '| pack | cases | mismatches | allowed | compile | CLI checks | rules hit | unreached rules |',
    );
    expect(md).toContain('| cavra-a | 100 | 0 | 3 | match | 1/1 | 1 | ⚠️ `commands.allow` |');
    expect(md).toContain('| family | packs | cases | mismatches | allowed |');
    expect(md).toContain('| decision | 2 | 200 | **1** | 6 |');
    expect(md).toContain('| compile | 2 | 2 | 0 | 0 |');
    expect(md).toContain('(shrunk)');
    expect(md).toContain('replay seed 42 path `3:1:0`');
    expect(md).toContain('| severity | `"critical"` | `"high"` |');
    expect(md).toContain('`pnpm parity --seed 42`');
    // A pipe inside a value cannot break the table.
    expect(md).toContain('\\|z');
  });
});

describe('junit.xml', () => {
  it('has one suite per family, one test case per pack in it, and escapes XML', () => {
    const xml = renderJunit(summary());
    expect(xml.match(/<testcase /g)).toHaveLength(6);
    expect(xml).toContain('<testsuites name="cavra-parity" tests="6" failures="1"');
    expect(xml.match(/<testsuite name="parity\.live\.(\S+)"/g)).toEqual([
      '<testsuite name="parity.live.compile"',
      '<testsuite name="parity.live.decision"',
      '<testsuite name="parity.live.cli-evaluate"',
    ]);
    expect(xml).toContain('<testsuite name="parity.live.decision" tests="2" failures="1"');
    expect(xml).toContain('<testcase classname="parity.live.decision" name="cavra-b" time="1.234">');
    expect(xml).toMatch(
      /<failure message="1 mismatch\(es\) in 100 cases \(seed 42\)" type="ParityMismatch">/,
    );
    expect(xml).toContain('&lt;x&gt; &amp;');
    expect(xml).not.toContain('\u0001');
    expect(xmlEscape('a\u0000b"\ud800')).toBe('a\\u0000b&quot;\\ud800');
  });

  it('reports a mismatch outside the families (the live pack list) in a preflight suite', () => {
    const base = summary();
    const xml = renderJunit({
      ...base,
      mismatches: [
        ...base.mismatches,
        {
          kind: 'pack-list',
          pack: '*',
          request: 'policy list',
          python: ['a'],
          typescript: ['b'],
          fields: [],
          shrunk: false,
        },
      ],
    });
    expect(xml).toContain('<testsuite name="parity.live.preflight" tests="1" failures="1"');
  });
});

describe('ProgressReporter', () => {
  const capture = (isTTY: boolean) => {
    const chunks: string[] = [];
    return { stream: { isTTY, columns: 200, write: (c: string) => chunks.push(c) }, chunks };
  };

  it('draws a bar on a TTY', () => {
    const { stream, chunks } = capture(true);
    const progress = new ProgressReporter(stream);
    progress.update({ pack: 'cavra-a', done: 0, total: 10, mismatches: 0 });
    progress.update({ pack: 'cavra-a', done: 10, total: 10, mismatches: 2 });
    const out = chunks.join('');
    expect(out).toContain('\r\u001b[2K');
    expect(out).toMatch(/cavra-a +\[#{24}\] 10\/10 \d+ cases\/s mismatches 2\n/);
  });

  it('prints plain lines otherwise', () => {
    const { stream, chunks } = capture(false);
    const progress = new ProgressReporter(stream);
    progress.update({ pack: 'cavra-a', done: 5, total: 10, mismatches: 0 });
    progress.update({ pack: 'cavra-a', done: 10, total: 10, mismatches: 0 });
    expect(chunks).toHaveLength(1);
    expect(chunks[0]).toMatch(/^cavra-a: 10 cases, 0 mismatches, \d+ cases\/s\n$/);
    expect(chunks.join('')).not.toContain('\u001b');
  });

  it('names the family when several answer cases for a pack', () => {
    const { stream, chunks } = capture(false);
    const progress = new ProgressReporter(stream);
    progress.update({ pack: 'cavra-a', family: 'decision', done: 3, total: 3, mismatches: 1 });
    progress.update({ pack: 'cavra-a', family: 'release-record', done: 2, total: 2, mismatches: 0 });
    expect(chunks.map((c) => c.split(',')[0])).toEqual([
      'cavra-a [decision]: 3 cases',
      'cavra-a [release-record]: 2 cases',
    ]);
  });
});
