import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runParity, type ParityIo } from '../src/main.js';
import { REGRESSIONS_DIR } from '../src/paths.js';
import type { ParitySummary } from '../src/report/summary.js';
import { STANDIN_ROOT } from './helpers/standin.js';

function io(pythonEnv?: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  const value: ParityIo = {
    stdout: { write: (c: string) => out.push(c) },
    stderr: { write: (c: string) => err.push(c) },
    env: {},
    cwd: mkdtempSync(join(tmpdir(), 'parity-main-test-')),
    ...(pythonEnv ? { pythonEnv } : {}),
  };
  return { io: value, out, err };
}

const readSummary = (dir: string | undefined): ParitySummary =>
  JSON.parse(readFileSync(join(dir ?? '', 'summary.json'), 'utf8')) as ParitySummary;

describe('runParity (pnpm parity)', () => {
  it('recorded mode passes for a pack and always prints the seed', async () => {
    const { io: x, out } = io();
    const run = await runParity(['--pack', 'cavra-hipaa'], x);
    expect(run.exitCode).toBe(0);
    expect(out.join('')).toMatch(/parity: seed \d+ \(random\)/);
    const s = readSummary(run.reportDir);
    expect(s.mode).toBe('recorded');
    expect(s.packs.map((p) => p.id)).toEqual(['cavra-hipaa']);
    // The release-governance and approval-routing recordings are counted per family in the pack row.
    const families = Object.fromEntries(s.families.map((f) => [f.id, [f.cases > 0, f.mismatches]]));
    expect(families).toMatchObject({ 'release-governance': [true, 0], 'approval-routing': [true, 0] });
    expect(s.packs[0]?.cases).toBeGreaterThan(3000);
    expect(run.reportDir).toBe(join(x.cwd, 'parity-report'));
  });

  it('live mode against the stand-in package: no mismatch, both routes, CLI and compile checks', async () => {
    const { io: x, out } = io();
    const run = await runParity(
      [
        '--python-root',
        STANDIN_ROOT,
        '--pack',
        'cavra-mcp-enterprise',
        '--pack',
        'cavra-agentic-delivery',
        '--seed',
        '3',
        '--num-runs',
        '300',
        '--report',
        'r',
      ],
      x,
    );
    expect(out.join('')).toContain('parity: seed 3;');
    expect(run.exitCode).toBe(0);
    const s = readSummary(run.reportDir);
    expect(s).toMatchObject({ mode: 'live', seed: 3, numRuns: 300, totals: { cases: 900, mismatches: 0 } });
    expect(s.python?.version).toBe('cavra 0.1.0');
    expect(s.packs.map((p) => p.id)).toEqual(['cavra-agentic-delivery', 'cavra-mcp-enterprise']);
    expect(s.families.find((f) => f.id === 'approval-routing')).toMatchObject({ cases: 150, mismatches: 0 });
    expect(s.packs.every((p) => p.compile.status === 'match' && p.cliSpotChecks.cases === 1)).toBe(true);
    expect(s.allowedDifferences.unknown_action_type).toBeGreaterThan(0);
  });

  it('a planted difference fails the run with a shrunk counterexample, and --record makes recorded mode replay it', async () => {
    const { io: x } = io({ CAVRA_STANDIN_PLANT: 'suffix' });
    const regressions = join(x.cwd, 'regressions');
    const run = await runParity(
      [
        '--python-root',
        STANDIN_ROOT,
        '--pack',
        'cavra-hipaa',
        '--seed',
        '9',
        '--num-runs',
        '400',
        '--record',
        '--regressions-dir',
        regressions,
        '--cli-checks',
        '0',
      ],
      x,
    );
    expect(run.exitCode).toBe(1);
    const s = readSummary(run.reportDir);
    const shrunk = s.mismatches.filter((m) => m.shrunk);
    expect(shrunk.length).toBeGreaterThan(0);
    expect(shrunk[0]).toMatchObject({
      request: { action_type: 'git_operation', target: 'master' },
      fields: expect.arrayContaining([
        expect.objectContaining({ field: 'decision', python: 'allow', typescript: 'block' }),
      ]) as unknown,
    });
    expect(readFileSync(join(run.reportDir ?? '', 'junit.xml'), 'utf8')).toContain('<failure');
    expect(readdirSync(regressions)).toEqual(['cavra-hipaa.jsonl']);

    // The recorded Python answer (from the planted runtime) is now replayed without Python.
    const replay = await runParity(['--pack', 'cavra-hipaa', '--regressions-dir', regressions], io().io);
    expect(replay.exitCode).toBe(1);
    const r = readSummary(replay.reportDir);
    expect(r.mismatches.some((m) => m.caseId?.startsWith('regressions/cavra-hipaa.jsonl#'))).toBe(true);
  });

  it.each([
    ['severity', 'cavra-terraform-prod', 'severity'],
    ['capability-scope', 'cavra-mcp-enterprise', 'rule_id'],
  ])('catches the planted %s difference in %s with a shrunk counterexample', async (plant, pack, field) => {
    const { io: x } = io({ CAVRA_STANDIN_PLANT: plant });
    const run = await runParity(
      [
        '--python-root',
        STANDIN_ROOT,
        '--pack',
        pack,
        '--seed',
        '21',
        '--num-runs',
        '600',
        '--cli-checks',
        '0',
      ],
      x,
    );
    expect(run.exitCode).toBe(1);
    const shrunk = readSummary(run.reportDir).mismatches.filter((m) => m.shrunk);
    expect(shrunk.length).toBeGreaterThan(0);
    expect(shrunk[0]?.fields.map((f) => f.field)).toContain(field);
  });

  it('refuses to record stand-in answers into fixtures/regressions', async () => {
    const { io: x } = io({ CAVRA_STANDIN_PLANT: 'severity' });
    const before = existsSync(REGRESSIONS_DIR) ? readdirSync(REGRESSIONS_DIR) : [];
    const run = await runParity(
      [
        '--python-root',
        STANDIN_ROOT,
        '--pack',
        'cavra-terraform-prod',
        '--seed',
        '4',
        '--num-runs',
        '300',
        '--record',
        '--cli-checks',
        '0',
      ],
      x,
    );
    expect(run.exitCode).toBe(1);
    expect(readSummary(run.reportDir).notes.join('\n')).toContain('--record refused');
    expect(existsSync(REGRESSIONS_DIR) ? readdirSync(REGRESSIONS_DIR) : []).toEqual(before);
  });

  it('exits 2 with a clear message for setup and usage errors', async () => {
    const missing = io();
    expect((await runParity(['--python-root', '/nonexistent/cavra'], missing.io)).exitCode).toBe(2);
    expect(missing.err.join('')).toContain('Python CAVRA checkout not found');
    const broken = io({ CAVRA_STANDIN_PLANT: 'crash-on-start' });
    expect(
      (await runParity(['--python-root', STANDIN_ROOT, '--pack', 'cavra-hipaa'], broken.io)).exitCode,
    ).toBe(2);
    expect(broken.err.join('')).toMatch(/python_cli_failed|adapter_start_failed/);
    const usage = io();
    expect((await runParity(['--num-runs', 'many'], usage.io)).exitCode).toBe(2);
    expect(usage.err.join('')).toContain('Usage: pnpm parity');
    const unknownPack = io();
    expect((await runParity(['--pack', 'cavra-nope'], unknownPack.io)).exitCode).toBe(2);
  });
});
