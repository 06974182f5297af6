import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePyJson, type PackSource, type PyValue } from '@cavra/policy-model';
import type { RecordedLine } from '@cavra/test-fixtures';
import type { AnyCaseFamily, RecordedCase, TypeScriptContext } from '../family.js';
import { RecordedOracle } from '../oracle/recorded-oracle.js';
import { runCases, type FamilyTally } from './case-loop.js';
import { packResults } from './pack-results.js';
import type { MismatchRecord, PackResult, Progress } from './types.js';

export interface RecordedRunOptions {
  families: readonly AnyCaseFamily[];
  /** Corpus + regression lines (read once, shared by the families). */
  lines: readonly RecordedLine[];
  /** Restrict to these labels (`--pack`); default: every pack with a recorded case. */
  packs?: readonly string[];
  typescript: TypeScriptContext;
  packSource: PackSource;
  oracleDir: string;
  onProgress?: (progress: Progress) => void;
}

export interface RecordedRunResult {
  packs: PackResult[];
  mismatches: MismatchRecord[];
}

/** The compiled policy Python recorded for a pack (coverage: which rules its cases can reach). */
function recordedPolicy(oracleDir: string, pack: string): PyValue | undefined {
  const path = join(oracleDir, 'compiled', `${pack}.json`);
  return existsSync(path) ? parsePyJson(readFileSync(path, 'utf8')) : undefined;
}

/** Recorded mode: every family's recorded cases, pack by pack, through the one case loop. */
export async function runRecorded(options: RecordedRunOptions): Promise<RecordedRunResult> {
  const sources = { lines: options.lines, oracleDir: options.oracleDir, packSource: options.packSource };
  const tallies: FamilyTally[] = [];
  for (const family of options.families) {
    const groups = new Map<string, RecordedCase<unknown, unknown>[]>();
    for (const recorded of family.recorded(sources) as RecordedCase<unknown, unknown>[]) {
      const pack = family.pack(recorded.case);
      if (options.packs && !options.packs.includes(pack)) continue;
      const list = groups.get(pack);
      if (list) list.push(recorded);
      else groups.set(pack, [recorded]);
    }
    for (const [pack, recorded] of groups) {
      const cases = recorded.map((r) => r.case);
      tallies.push(
        await runCases({
          family,
          pack,
          cases,
          caseIds: recorded.map((r) => `${r.source}#${r.id}`),
          oracle: new RecordedOracle(recorded),
          typescript: options.typescript,
          reachableRules: family.reachableRules?.(pack, recordedPolicy(options.oracleDir, pack), cases) ?? [],
          // Progress bars for the case families; checks are one line each in the report.
          ...(options.onProgress && family.counts === 'cases' ? { onProgress: options.onProgress } : {}),
        }),
      );
    }
  }
  return packResults(options.families, tallies, options.packs ?? []);
}
