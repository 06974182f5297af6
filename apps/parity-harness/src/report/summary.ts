import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toPlainJson, type PyValue } from '@cavra/policy-model';
import type { FamilyCount, MismatchRecord, PackResult } from '../run/types.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface SummaryMismatch {
  kind: MismatchRecord['kind'];
  pack: string;
  request: JsonValue;
  python: JsonValue;
  typescript: JsonValue;
  fields: { field: string; python: JsonValue; typescript: JsonValue; note?: string }[];
  shrunk: boolean;
  replay?: { seed: number; path: string };
  caseId?: string;
}

export interface SummaryPack {
  id: string;
  cases: number;
  mismatches: number;
  rules: Record<string, number>;
  reachableRules: string[];
  unreachedRules: string[];
  allowedDifferences: Record<string, number>;
  compile: PackResult['compile'];
  cliSpotChecks: PackResult['cliSpotChecks'];
  /** Counts per case family (`decision`, `compile`, …). */
  families: Record<string, FamilyCount>;
  elapsedMs: number;
}

/** One case family over the whole run. */
export interface SummaryFamily extends FamilyCount {
  id: string;
  title: string;
  counts: 'cases' | 'checks';
  packs: number;
}

/** What the summary needs to know about a family. */
export interface FamilyInfo {
  id: string;
  title: string;
  counts: 'cases' | 'checks';
}

/** `<report>/summary.json`: the machine-readable result CI and people rely on. */
export interface ParitySummary {
  mode: 'live' | 'recorded';
  seed: number;
  numRuns: number | null;
  command: string;
  startedAt: string;
  durationMs: number;
  python: {
    version: string;
    root: string;
    interpreter: string;
    adapterPython: string;
    cavra: string | null;
  } | null;
  packs: SummaryPack[];
  /** Per-family totals, in registration order. */
  families: SummaryFamily[];
  mismatches: SummaryMismatch[];
  allowedDifferences: Record<string, number>;
  totals: {
    packs: number;
    cases: number;
    mismatches: number;
    allowedDifferences: number;
    compileMismatches: number;
    packsWithMismatches: number;
    unreachedRules: number;
    oracleCasesPerSecond: number | null;
  };
  notes: string[];
  exitCode: number;
}

const plain = (value: PyValue | undefined): JsonValue =>
  value === undefined ? null : (toPlainJson(value) as JsonValue);

export function summaryMismatch(m: MismatchRecord): SummaryMismatch {
  return {
    kind: m.kind,
    pack: m.pack,
    request: plain(m.request),
    python: plain(m.python),
    typescript: plain(m.typescript),
    fields: m.fields.map((f) => ({
      field: f.field,
      python: plain(f.python),
      typescript: plain(f.typescript),
      ...(f.note ? { note: f.note } : {}),
    })),
    shrunk: m.shrunk,
    ...(m.replay ? { replay: m.replay } : {}),
    ...(m.caseId ? { caseId: m.caseId } : {}),
  };
}

export interface SummaryInput {
  mode: 'live' | 'recorded';
  seed: number;
  numRuns: number | null;
  command: string;
  startedAt: Date;
  durationMs: number;
  python: ParitySummary['python'];
  packs: readonly PackResult[];
  mismatches: readonly MismatchRecord[];
  oracleCasesPerSecond: number | null;
  notes: readonly string[];
  /** The families that ran (default: those that appear in the packs' counts). */
  families?: readonly FamilyInfo[];
}

export function buildSummary(input: SummaryInput): ParitySummary {
  const allowed: Record<string, number> = {};
  for (const pack of input.packs) {
    for (const [key, n] of Object.entries(pack.allowedDifferences)) allowed[key] = (allowed[key] ?? 0) + n;
  }
  // Mismatches not tied to one pack (pack list) still count.
  const global = input.mismatches.filter((m) => m.pack === '*').length;
  const mismatchTotal = input.packs.reduce((n, p) => n + p.mismatches, 0) + global;
  return {
    mode: input.mode,
    seed: input.seed,
    numRuns: input.numRuns,
    command: input.command,
    startedAt: input.startedAt.toISOString(),
    durationMs: Math.round(input.durationMs),
    python: input.python,
    packs: input.packs.map((p) => ({
      id: p.id,
      cases: p.cases,
      mismatches: p.mismatches,
      rules: p.rules,
      reachableRules: p.reachableRules,
      unreachedRules: p.unreachedRules,
      allowedDifferences: p.allowedDifferences,
      compile: p.compile,
      cliSpotChecks: p.cliSpotChecks,
      families: p.families,
      elapsedMs: p.elapsedMs,
    })),
    families: familyTotals(input),
    mismatches: input.mismatches.map(summaryMismatch),
    allowedDifferences: allowed,
    totals: {
      packs: input.packs.length,
      cases: input.packs.reduce((n, p) => n + p.cases, 0),
      mismatches: mismatchTotal,
      allowedDifferences: Object.values(allowed).reduce((a, b) => a + b, 0),
      compileMismatches: input.packs.filter((p) => p.compile.status === 'mismatch').length,
      packsWithMismatches: input.packs.filter((p) => p.mismatches > 0).length,
      unreachedRules: input.packs.reduce((n, p) => n + p.unreachedRules.length, 0),
      oracleCasesPerSecond: input.oracleCasesPerSecond,
    },
    notes: [...input.notes],
    exitCode: mismatchTotal > 0 ? 1 : 0,
  };
}

function familyTotals(input: SummaryInput): SummaryFamily[] {
  const infos: FamilyInfo[] = [...(input.families ?? [])];
  for (const p of input.packs)
    for (const id of Object.keys(p.families))
      if (!infos.some((f) => f.id === id)) infos.push({ id, title: id, counts: 'cases' });
  return infos.map((info) => {
    const total: SummaryFamily = { ...info, cases: 0, mismatches: 0, allowedDifferences: {}, packs: 0 };
    for (const p of input.packs) {
      const f = p.families[info.id];
      if (!f) continue;
      total.packs++;
      total.cases += f.cases;
      total.mismatches += f.mismatches;
      for (const [key, n] of Object.entries(f.allowedDifferences))
        total.allowedDifferences[key] = (total.allowedDifferences[key] ?? 0) + n;
    }
    return total;
  });
}

/** Write summary.json, summary.md and junit.xml into `dir`. */
export function writeReports(
  dir: string,
  summary: ParitySummary,
): { json: string; markdown: string; junit: string } {
  mkdirSync(dir, { recursive: true });
  const paths = {
    json: join(dir, 'summary.json'),
    markdown: join(dir, 'summary.md'),
    junit: join(dir, 'junit.xml'),
  };
  writeFileSync(paths.json, JSON.stringify(summary, null, 2) + '\n');
  writeFileSync(paths.markdown, renderMarkdown(summary));
  writeFileSync(paths.junit, renderJunit(summary));
  return paths;
}
