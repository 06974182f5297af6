import type { PyValue } from '@cavra/policy-model';
import type { FieldDiff } from '../compare.js';

export type MismatchKind = 'decision' | 'compile' | 'cli-evaluate' | 'pack-list';

/** One unexplained difference, with both sides and the fields that differ. */
export interface MismatchRecord {
  kind: MismatchKind;
  pack: string;
  /** The request as the oracle received it (with `policy_file` / `registry`). */
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

export interface PackResult {
  id: string;
  cases: number;
  mismatches: number;
  allowedDifferences: Record<string, number>;
  rules: Record<string, number>;
  reachableRules: string[];
  unreachedRules: string[];
  compile: CompileCheck;
  cliSpotChecks: { cases: number; mismatches: number };
  elapsedMs: number;
}

export interface Progress {
  pack: string;
  done: number;
  total: number;
  mismatches: number;
}
