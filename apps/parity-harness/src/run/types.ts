import type { PyValue } from '@cavra/policy-model';
import type { FieldDiff } from '../compare.js';

/** A family id (`decision`, `compile`, `cli-evaluate`, …) or `pack-list` (live preflight). */
export type MismatchKind = string;

/** One unexplained difference, with both sides and the fields that differ. */
export interface MismatchRecord {
  kind: MismatchKind;
  pack: string;
  /** The case as the oracle received it (a decision request with `policy_file` / `registry`, a command line, …). */
  request: PyValue;
  python: PyValue;
  typescript: PyValue;
  fields: FieldDiff[];
  /** True for a counterexample fast-check shrank; raw generated or recorded cases are false. */
  shrunk: boolean;
  /** Replay: `FC` seed and path of the (shrunk) counterexample. */
  replay?: { seed: number; path: string };
  /** Corpus / regression id for recorded cases. */
  caseId?: string;
}

export interface CompileCheck {
  status: 'match' | 'mismatch' | 'skipped';
  detail?: string;
}

/** Per-family counts of one pack (summary.json `packs[].families`). */
export interface FamilyCount {
  cases: number;
  mismatches: number;
  allowedDifferences: Record<string, number>;
}

export interface PackResult {
  id: string;
  /** Cases of the `cases` families (decisions, …); `checks` families are in `families` only. */
  cases: number;
  /** Every family's mismatches, checks included. */
  mismatches: number;
  allowedDifferences: Record<string, number>;
  rules: Record<string, number>;
  reachableRules: string[];
  unreachedRules: string[];
  /** The compile family's result as a status (skipped: nothing recorded / not compiled). */
  compile: CompileCheck;
  /** The cli-evaluate family's counts. */
  cliSpotChecks: { cases: number; mismatches: number };
  families: Record<string, FamilyCount>;
  elapsedMs: number;
}

export interface Progress {
  pack: string;
  /** The family being answered (default: decisions). */
  family?: string;
  done: number;
  total: number;
  mismatches: number;
}
