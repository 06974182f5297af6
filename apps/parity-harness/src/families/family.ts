import { dumpsPyJson, pyStr, type PyValue } from '@cavra/policy-model';
import type { FieldDiff } from '../compare.js';
import type { MismatchRecord, PackResult } from '../run/types.js';

/** Sends request lines to the oracle and returns its answers, in order (the live adapter, or a stand-in). */
export type FamilyOracle = (requests: readonly PyValue[]) => Promise<PyValue[]>;

/** The tally of one family (release governance, approval routing) over a run. */
export class FamilyTally {
  cases = 0;
  mismatchCount = 0;
  readonly rules: Record<string, number> = {};
  readonly mismatches: MismatchRecord[] = [];

  constructor(
    readonly id: string,
    private readonly cap = 50,
  ) {}

  /** Count one case under `bucket` (a rule id, an approver group or `<error>`), and its mismatch if any. */
  add(bucket: string, request: PyValue, python: PyValue, typescript: PyValue, fields: FieldDiff[], caseId?: string): void {
    this.cases++;
    this.rules[bucket] = (this.rules[bucket] ?? 0) + 1;
    if (fields.length === 0) return;
    this.mismatchCount++;
    if (this.mismatches.length >= this.cap) return;
    this.mismatches.push({
      kind: 'decision',
      pack: this.id,
      request,
      python,
      typescript,
      fields,
      shrunk: false,
      ...(caseId !== undefined ? { caseId } : {}),
    });
  }

  /** The family as one row of the report, next to the packs. */
  packResult(elapsedMs: number): PackResult {
    return {
      id: this.id,
      cases: this.cases,
      mismatches: this.mismatchCount,
      allowedDifferences: {},
      rules: this.rules,
      reachableRules: [],
      unreachedRules: [],
      compile: { status: 'skipped', detail: `${this.id}: no compile step` },
      cliSpotChecks: { cases: 0, mismatches: 0 },
      families: { [this.id]: { cases: this.cases, mismatches: this.mismatchCount, allowedDifferences: {} } },
      elapsedMs: Math.round(elapsedMs),
    };
  }
}

/** Python-exact text of a value, for comparisons (`1` and `1.0` differ). */
export const exact = (value: PyValue | undefined): string => (value === undefined ? '<absent>' : dumpsPyJson(value));

export const label = (value: PyValue | undefined): string => (value === undefined ? '<absent>' : pyStr(value));
