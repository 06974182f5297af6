import fc from 'fast-check';
import { pyStr, type PyValue } from '@cavra/policy-model';
import { caseKey, adapterRequest, type Outcome, type ParityCase } from '../cases.js';
import { compareOutcomes, outcomeValue, type FieldDiff, type Verdict } from '../compare.js';
import { caseArbitrary, toParityCase, type GeneratedCase } from '../generate/decision-cases.js';
import { reachableRules, type PackProfile } from '../generate/profile.js';
import type { TypeScriptSide } from '../typescript-side.js';
import type { MismatchRecord, Progress } from './types.js';

/** Anything that answers parity cases in order: the live adapter, or a stand-in in tests. */
export interface Oracle {
  answer(cases: readonly ParityCase[]): Promise<Outcome[]>;
  /** Live answers carry the volatile fields; recorded ones do not. */
  readonly hasVolatile: boolean;
}

export interface GeneratedPackOptions {
  profile: PackProfile;
  /** The pack's compiled policy and how the oracle reads it (`policy_file`). */
  compiled: { ref: string; value: PyValue };
  oracle: Oracle;
  typescript: Pick<TypeScriptSide, 'decide'>;
  seed: number;
  numRuns: number;
  /** Cases per oracle round trip; bigger batches keep the pipe full. */
  batchSize?: number;
  /** Distinct mismatch kinds to shrink (each shrink replays a path through fast-check). */
  maxShrinks?: number;
  onProgress?: (progress: Progress) => void;
}

export interface GeneratedPackResult {
  cases: number;
  rules: Record<string, number>;
  allowed: Record<string, number>;
  mismatchCount: number;
  /** Raw mismatches (capped) followed by the shrunk counterexamples. */
  mismatches: MismatchRecord[];
  /** Wall time of the generate-answer-compare pass (without shrinking). */
  compareMs: number;
}

const RAW_MISMATCH_CAP = 20;

/** A mismatch "kind" for picking which ones to shrink: the differing fields and both rule ids. */
function signature(verdict: Verdict, python: Outcome, ts: Outcome): string {
  if (verdict.status !== 'mismatch') return '';
  const rule = (o: Outcome): string =>
    o.kind === 'decision' ? pyStr(o.decision.get('rule_id') ?? null) : 'error';
  return `${verdict.fields.map((f) => f.field).join(',')}|${rule(python)}|${rule(ts)}`;
}

function ruleOf(python: Outcome, ts: Outcome): string {
  if (python.kind === 'decision') return pyStr(python.decision.get('rule_id') ?? null);
  if (ts.kind === 'decision') return pyStr(ts.decision.get('rule_id') ?? null);
  return '<error>';
}

function record(
  c: ParityCase,
  python: Outcome,
  ts: Outcome,
  fields: FieldDiff[],
  extra: Partial<MismatchRecord>,
): MismatchRecord {
  return {
    kind: 'decision',
    pack: c.pack,
    request: adapterRequest(c),
    python: outcomeValue(python),
    typescript: outcomeValue(ts),
    fields,
    shrunk: false,
    ...extra,
  };
}

/**
 * Generate `numRuns` cases for one pack, answer them in pipelined batches, compare every one,
 * then let fast-check shrink one representative of each distinct mismatch kind. Generation
 * uses `fc.sample` with the run seed, which yields exactly the values a property run with that
 * seed sees, so a mismatch at index i is replayed and shrunk with `{seed, path: String(i)}`.
 */
export async function runGeneratedPack(options: GeneratedPackOptions): Promise<GeneratedPackResult> {
  const { profile, compiled, oracle, typescript, seed, numRuns } = options;
  const batchSize = options.batchSize ?? 1000;
  const arbitrary = caseArbitrary(profile);
  const bind = (g: GeneratedCase): ParityCase => toParityCase(g, profile.id, compiled);
  const generated = fc.sample(arbitrary, { seed, numRuns });
  const cases = generated.map(bind);

  const cache = new Map<string, Outcome>();
  const rules: Record<string, number> = Object.fromEntries(reachableRules(profile).map((r) => [r, 0]));
  const allowed: Record<string, number> = {};
  const mismatches: MismatchRecord[] = [];
  const toShrink = new Map<string, number>();
  let mismatchCount = 0;

  // Pipelined: Python answers batch k+1 while TypeScript decides and compares batch k.
  const t0 = performance.now();
  const ask = (start: number): Promise<Outcome[]> | undefined =>
    start < cases.length ? oracle.answer(cases.slice(start, start + batchSize)) : undefined;
  let inFlight = ask(0);
  for (let start = 0; inFlight; start += batchSize) {
    const answers = await inFlight;
    inFlight = ask(start + batchSize);
    const batch = cases.slice(start, start + batchSize);
    batch.forEach((c, i) => {
      const python = answers[i]!;
      cache.set(caseKey(c), python);
      const ts = typescript.decide(c);
      const verdict = compareOutcomes(python, ts, { pythonHasVolatile: oracle.hasVolatile });
      const rule = ruleOf(python, ts);
      rules[rule] = (rules[rule] ?? 0) + 1;
      if (verdict.status === 'allowed') allowed[verdict.difference] = (allowed[verdict.difference] ?? 0) + 1;
      if (verdict.status !== 'mismatch') return;
      mismatchCount++;
      if (mismatches.length < RAW_MISMATCH_CAP) mismatches.push(record(c, python, ts, verdict.fields, {}));
      const sig = signature(verdict, python, ts);
      if (!toShrink.has(sig)) toShrink.set(sig, start + i);
    });
    options.onProgress?.({
      pack: profile.id,
      done: Math.min(start + batchSize, cases.length),
      total: cases.length,
      mismatches: mismatchCount,
    });
  }
  const compareMs = performance.now() - t0;

  const oracleFor = async (c: ParityCase): Promise<Outcome> => {
    const key = caseKey(c);
    let outcome = cache.get(key);
    if (!outcome) {
      const [answer] = await oracle.answer([c]);
      if (!answer) throw new Error('oracle returned no answer');
      outcome = answer;
      cache.set(key, outcome);
    }
    return outcome;
  };

  for (const index of [...toShrink.values()].slice(0, options.maxShrinks ?? 5)) {
    const property = fc.asyncProperty(arbitrary, async (g) => {
      const c = bind(g);
      return (
        compareOutcomes(await oracleFor(c), typescript.decide(c), { pythonHasVolatile: oracle.hasVolatile })
          .status !== 'mismatch'
      );
    });
    const details = await fc.check(property, { seed, path: String(index), numRuns: 1 });
    const counterexample = details.counterexample?.[0];
    if (!details.failed || !counterexample) continue; // flaky oracle: nothing reproducible to report
    const c = bind(counterexample);
    const python = await oracleFor(c);
    const ts = typescript.decide(c);
    const verdict = compareOutcomes(python, ts, { pythonHasVolatile: oracle.hasVolatile });
    if (verdict.status !== 'mismatch') continue;
    mismatches.push(
      record(c, python, ts, verdict.fields, {
        shrunk: true,
        replay: { seed, path: details.counterexamplePath ?? String(index) },
      }),
    );
  }
  return { cases: cases.length, rules, allowed, mismatchCount, mismatches, compareMs };
}
