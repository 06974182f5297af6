import type { AnyCaseFamily } from '../family.js';
import type { FamilyTally } from './case-loop.js';
import type { CompileCheck, FamilyCount, MismatchRecord, PackResult } from './types.js';

const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The compile family's tally as a status line (skipped: nothing recorded or nothing compiled). */
function compileStatus(tally: FamilyTally | undefined): CompileCheck {
  if (!tally || tally.cases === 0) return { status: 'skipped', detail: 'no recorded compile output' };
  if (tally.mismatches === 0) return { status: 'match' };
  const note = tally.records[0]?.fields[0]?.note;
  return note === undefined ? { status: 'mismatch' } : { status: 'mismatch', detail: note };
}

/** Fold every family's tallies into one result per pack, packs in code-point order. */
export function packResults(
  families: readonly AnyCaseFamily[],
  tallies: readonly FamilyTally[],
  extraPacks: readonly string[] = [],
): { packs: PackResult[]; mismatches: MismatchRecord[] } {
  const ids = [...new Set([...tallies.map((t) => t.pack), ...extraPacks])].sort(byCodePoint);
  const countsAs = new Map(families.map((f) => [f.id, f.counts]));
  const packs = ids.map((id): PackResult => {
    const own = tallies.filter((t) => t.pack === id);
    const rules: Record<string, number> = {};
    const allowed: Record<string, number> = {};
    const reachable = new Set<string>();
    const perFamily: Record<string, FamilyCount> = {};
    for (const t of own) {
      for (const [rule, n] of Object.entries(t.rules)) rules[rule] = (rules[rule] ?? 0) + n;
      for (const [key, n] of Object.entries(t.allowed)) allowed[key] = (allowed[key] ?? 0) + n;
      for (const rule of t.reachableRules) reachable.add(rule);
      const f = (perFamily[t.family] ??= { cases: 0, mismatches: 0, allowedDifferences: {} });
      f.cases += t.cases;
      f.mismatches += t.mismatches;
      for (const [key, n] of Object.entries(t.allowed))
        f.allowedDifferences[key] = (f.allowedDifferences[key] ?? 0) + n;
    }
    const reachableRules = [...reachable];
    const cli = perFamily['cli-evaluate'];
    return {
      id,
      cases: own.filter((t) => countsAs.get(t.family) === 'cases').reduce((n, t) => n + t.cases, 0),
      mismatches: own.reduce((n, t) => n + t.mismatches, 0),
      allowedDifferences: allowed,
      rules,
      reachableRules,
      unreachedRules: reachableRules.filter((rule) => !rules[rule]),
      compile: compileStatus(own.find((t) => t.family === 'compile')),
      cliSpotChecks: { cases: cli?.cases ?? 0, mismatches: cli?.mismatches ?? 0 },
      families: perFamily,
      elapsedMs: Math.round(own.reduce((n, t) => n + t.elapsedMs, 0)),
    };
  });
  return { packs, mismatches: tallies.flatMap((t) => t.records) };
}
