import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePyJson, pyStr, type PackSource, type PyValue } from '@cavra/policy-model';
import { adapterRequest, type Outcome } from '../cases.js';
import { compareOutcomes, outcomeValue } from '../compare.js';
import { REGISTRY_RULES, packProfile, reachableRules } from '../generate/profile.js';
import type { RecordedCase } from '../oracle/recorded.js';
import type { TypeScriptSide } from '../typescript-side.js';
import { compareCompileOutput, safeTypescriptCompile } from './compile-check.js';
import type { MismatchRecord, PackResult, Progress } from './types.js';

export interface RecordedRunOptions {
  cases: readonly RecordedCase[];
  /** Restrict to these labels (`--pack`); default: every label in the corpus. */
  packs?: readonly string[];
  typescript: Pick<TypeScriptSide, 'decide'>;
  /** TS pack source for the compile check; compiled outputs recorded under `<oracleDir>/compiled`. */
  packSource: PackSource;
  oracleDir: string;
  onProgress?: (progress: Progress) => void;
}

export interface RecordedRunResult {
  packs: PackResult[];
  mismatches: MismatchRecord[];
}

const MISMATCH_CAP_PER_PACK = 50;

function ruleOf(outcome: Outcome): string {
  return outcome.kind === 'decision' ? pyStr(outcome.decision.get('rule_id') ?? null) : '<error>';
}

/** Replay the recorded Python decisions (corpus + regressions) through the TS engine. */
export function runRecorded(options: RecordedRunOptions): RecordedRunResult {
  const groups = new Map<string, RecordedCase[]>();
  for (const rc of options.cases) {
    if (options.packs && !options.packs.includes(rc.case.pack)) continue;
    const list = groups.get(rc.case.pack) ?? [];
    list.push(rc);
    groups.set(rc.case.pack, list);
  }
  for (const id of options.packs ?? []) if (!groups.has(id)) groups.set(id, []);

  const packs: PackResult[] = [];
  const mismatches: MismatchRecord[] = [];
  for (const [id, list] of [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const started = performance.now();
    options.onProgress?.({ pack: id, done: 0, total: list.length, mismatches: 0 });
    const compiledPath = join(options.oracleDir, 'compiled', `${id}.json`);
    const recordedCompile = existsSync(compiledPath) ? readFileSync(compiledPath, 'utf8') : undefined;
    const policy: PyValue | undefined =
      recordedCompile === undefined
        ? list.find((rc) => rc.case.policy)?.case.policy?.value
        : parsePyJson(recordedCompile);
    // Registry rules are only reachable by recorded cases that carry a registry.
    const withRegistry = list.some((rc) => rc.case.registry);
    const reachable = (policy === undefined ? [] : reachableRules(packProfile(id, policy))).filter(
      (rule) => withRegistry || !(REGISTRY_RULES as readonly string[]).includes(rule),
    );
    const rules: Record<string, number> = Object.fromEntries(reachable.map((r) => [r, 0]));
    const allowed: Record<string, number> = {};
    let count = 0;
    list.forEach((rc, i) => {
      const ts = options.typescript.decide(rc.case);
      const verdict = compareOutcomes(rc.expected, ts, { pythonHasVolatile: false });
      const rule = rc.expected.kind === 'decision' ? ruleOf(rc.expected) : ruleOf(ts);
      rules[rule] = (rules[rule] ?? 0) + 1;
      if (verdict.status === 'allowed') allowed[verdict.difference] = (allowed[verdict.difference] ?? 0) + 1;
      if (verdict.status === 'mismatch') {
        count++;
        if (count <= MISMATCH_CAP_PER_PACK) {
          mismatches.push({
            kind: 'decision',
            pack: id,
            request: adapterRequest(rc.case),
            python: outcomeValue(rc.expected),
            typescript: outcomeValue(ts),
            fields: verdict.fields,
            shrunk: false,
            caseId: `${rc.source}#${rc.id}`,
          });
        }
      }
      if ((i + 1) % 5000 === 0)
        options.onProgress?.({ pack: id, done: i + 1, total: list.length, mismatches: count });
    });
    options.onProgress?.({ pack: id, done: list.length, total: list.length, mismatches: count });

    let compile: PackResult['compile'] = { status: 'skipped', detail: 'no recorded compile output' };
    if (recordedCompile !== undefined) {
      const ts = safeTypescriptCompile(options.packSource, id);
      compile =
        ts.output === undefined
          ? { status: 'mismatch', detail: `typescript failed: ${ts.error}` }
          : compareCompileOutput(recordedCompile, ts.output);
      if (compile.status === 'mismatch') {
        mismatches.push({
          kind: 'compile',
          pack: id,
          request: `policy compile --policy-pack ${id}`,
          python: recordedCompile,
          typescript: ts.output ?? ts.error ?? '',
          fields: [
            {
              field: 'compile',
              python: recordedCompile,
              typescript: ts.output ?? ts.error ?? '',
              note: compile.detail,
            },
          ],
          shrunk: false,
        });
      }
    }
    packs.push({
      id,
      cases: list.length,
      mismatches: count + (compile.status === 'mismatch' ? 1 : 0),
      allowedDifferences: allowed,
      rules,
      reachableRules: reachable,
      unreachedRules: reachable.filter((r) => !rules[r]),
      compile,
      cliSpotChecks: { cases: 0, mismatches: 0 },
      elapsedMs: Math.round(performance.now() - started),
    });
  }
  return { packs, mismatches };
}
