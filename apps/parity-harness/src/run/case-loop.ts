import fc from 'fast-check';
import { dumpsPyJson } from '@cavra/policy-model';
import type { FieldDiff } from '../compare.js';
import type { CaseFamily, GeneratedCases, Oracle, TypeScriptContext } from '../family.js';
import type { MismatchRecord, Progress } from './types.js';

/** One family's result for one pack: what the reports count. */
export interface FamilyTally {
  family: string;
  pack: string;
  cases: number;
  mismatches: number;
  /** Allowed differences by name (counted, not failures). */
  allowed: Record<string, number>;
  /** Coverage buckets (rule ids); reachable rules start at 0. */
  rules: Record<string, number>;
  reachableRules: string[];
  /** Raw mismatches (capped), then the shrunk counterexamples. */
  records: MismatchRecord[];
  /** Wall time of the ask-and-compare pass (without shrinking). */
  oracleMs: number;
  elapsedMs: number;
}

export interface CaseLoopOptions<C, A> {
  family: CaseFamily<C, A>;
  pack: string;
  cases: readonly C[];
  /** Recorded case ids, aligned with `cases` (shown as `caseId`). */
  caseIds?: readonly string[];
  oracle: Oracle<C, A>;
  typescript: TypeScriptContext;
  /** Rules these cases can reach (coverage). */
  reachableRules?: readonly string[];
  /** Generated cases: lets the loop shrink one representative of each mismatch kind. */
  shrink?: { generated: Extract<GeneratedCases<C>, { kind: 'property' }>; seed: number; maxShrinks?: number };
  onProgress?: (progress: Progress) => void;
}

const MISMATCH_CAP = 50;
const DEFAULT_BATCH = 1000;
const DEFAULT_MAX_SHRINKS = 5;

const defaultSignature = (fields: readonly FieldDiff[]): string => fields.map((f) => f.field).join(',');

/**
 * The one case loop: ask the oracle in pipelined batches (the oracle answers batch k+1 while
 * TypeScript answers and compares batch k), compare every case, tally, keep the first
 * mismatches, and for generated cases let fast-check shrink one case of each mismatch kind.
 */
export async function runCases<C, A>(options: CaseLoopOptions<C, A>): Promise<FamilyTally> {
  const { family, pack, cases, oracle, typescript } = options;
  const started = performance.now();
  const batchSize = family.batchSize ?? DEFAULT_BATCH;
  const compare = (python: A, ts: A) => family.compare(python, ts, { pythonHasVolatile: oracle.hasVolatile });
  const reachable = [...(options.reachableRules ?? [])];
  const tally: FamilyTally = {
    family: family.id,
    pack,
    cases: cases.length,
    mismatches: 0,
    allowed: {},
    rules: Object.fromEntries(reachable.map((rule) => [rule, 0])),
    reachableRules: reachable,
    records: [],
    oracleMs: 0,
    elapsedMs: 0,
  };
  const record = (c: C, python: A, ts: A, fields: FieldDiff[], extra: Partial<MismatchRecord>) => ({
    kind: family.id,
    pack,
    request: family.show(c),
    python: family.showAnswer(python),
    typescript: family.showAnswer(ts),
    fields,
    shrunk: false,
    ...extra,
  });

  const answered = new Map<C, A>();
  const toShrink = new Map<string, number>();
  const report = (done: number) =>
    options.onProgress?.({
      pack,
      family: family.id,
      done,
      total: cases.length,
      mismatches: tally.mismatches,
    });
  report(0);
  const ask = (start: number): Promise<A[]> | undefined =>
    start < cases.length ? oracle.answer(cases.slice(start, start + batchSize)) : undefined;
  let inFlight = ask(0);
  for (let start = 0; inFlight; start += batchSize) {
    const answers = await inFlight;
    inFlight = ask(start + batchSize);
    const batch = cases.slice(start, start + batchSize);
    if (answers.length !== batch.length)
      throw new Error(`${family.id}: the oracle gave ${answers.length} answers for ${batch.length} cases`);
    batch.forEach((c, i) => {
      const python = answers[i] as A;
      if (options.shrink) answered.set(c, python);
      const ts = family.typescript(c, typescript);
      const verdict = compare(python, ts);
      if (family.rule) {
        const rule = family.rule(python, ts);
        tally.rules[rule] = (tally.rules[rule] ?? 0) + 1;
      }
      if (verdict.status === 'allowed')
        tally.allowed[verdict.difference] = (tally.allowed[verdict.difference] ?? 0) + 1;
      if (verdict.status !== 'mismatch') return;
      tally.mismatches++;
      if (tally.records.length < MISMATCH_CAP) {
        const id = options.caseIds?.[start + i];
        tally.records.push(record(c, python, ts, verdict.fields, id === undefined ? {} : { caseId: id }));
      }
      const kind = family.signature?.(python, ts, verdict.fields) ?? defaultSignature(verdict.fields);
      if (!toShrink.has(kind)) toShrink.set(kind, start + i);
    });
    report(Math.min(start + batchSize, cases.length));
  }
  tally.oracleMs = performance.now() - started;

  if (options.shrink && toShrink.size > 0) {
    const { generated, seed } = options.shrink;
    // Shrinking asks the oracle about new cases one at a time; answers are remembered by key.
    const byKey = new Map<string, A>();
    const keyOf = (c: C): string => dumpsPyJson(family.show(c));
    for (const [c, a] of answered) byKey.set(keyOf(c), a);
    const oracleFor = async (c: C): Promise<A> => {
      const key = keyOf(c);
      const known = byKey.get(key);
      if (known !== undefined) return known;
      const [answer] = await oracle.answer([c]);
      if (answer === undefined) throw new Error(`${family.id}: the oracle returned no answer`);
      byKey.set(key, answer);
      return answer;
    };
    const indices = [...toShrink.values()].slice(0, options.shrink.maxShrinks ?? DEFAULT_MAX_SHRINKS);
    for (const index of indices) {
      const property = fc.asyncProperty(generated.arbitrary, async (g) => {
        const c = generated.bind(g);
        return compare(await oracleFor(c), family.typescript(c, typescript)).status !== 'mismatch';
      });
      const details = await fc.check(property, { seed, path: String(index), numRuns: 1 });
      const counterexample = details.counterexample?.[0];
      if (!details.failed || counterexample === undefined) continue; // flaky oracle: nothing reproducible
      const c = generated.bind(counterexample);
      const python = await oracleFor(c);
      const ts = family.typescript(c, typescript);
      const verdict = compare(python, ts);
      if (verdict.status !== 'mismatch') continue;
      tally.records.push(
        record(c, python, ts, verdict.fields, {
          shrunk: true,
          replay: { seed, path: details.counterexamplePath ?? String(index) },
        }),
      );
    }
  }
  tally.elapsedMs = performance.now() - started;
  return tally;
}

/** Draw a generated family's cases for one pack (the values a property run with this seed sees). */
export function drawCases<C>(generated: GeneratedCases<C>, seed: number): C[] {
  if (generated.kind === 'list') return generated.cases;
  return fc.sample(generated.arbitrary, { seed, numRuns: generated.numRuns }).map(generated.bind);
}
