import type fc from 'fast-check';
import type { PackSource, PyValue } from '@cavra/policy-model';
import type { RecordedLine } from '@cavra/test-fixtures';
import type { FieldDiff } from './compare.js';
import type { AdapterClient } from './oracle/adapter.js';
import type { CliResult } from './oracle/python-cli.js';
import type { PythonCheckout } from './oracle/python-env.js';
import type { TypeScriptSide } from './typescript-side.js';

// A case family is everything the harness knows about one kind of question both sides answer
// (decisions, compile output, release-governance records, …). The case loop, the tallies, the
// mismatch records and the reports are the same for every family; README.md documents how to
// add one.

/**
 * Anything that answers cases in order, one answer per case: the recorded answers, the live
 * Python adapter or CLI, or a stand-in in tests. Recorded and live mode differ only in this.
 */
export interface Oracle<C, A> {
  answer(cases: readonly C[]): Promise<A[]>;
  /** Live decisions carry the volatile fields (ids, timestamp); recorded ones were stripped. */
  readonly hasVolatile: boolean;
}

/** The outcome of comparing one Python answer with one TypeScript answer. */
export type FamilyVerdict =
  | { status: 'match' }
  /** A documented, counted difference (e.g. unknown action types fail closed in TypeScript). */
  | { status: 'allowed'; difference: string }
  | { status: 'mismatch'; fields: FieldDiff[] };

/** A recorded Python answer for one case. */
export interface RecordedCase<C, A> {
  /** `<source>#<id>` is shown in reports (`corpus#v1-000001`, `regressions/x.jsonl#…`). */
  id: string;
  source: string;
  case: C;
  expected: A;
}

/** A pack's compiled policy: `ref` is what Python is sent (a file path), `value` what TypeScript uses. */
export interface PackPolicy {
  ref: string;
  value: PyValue;
}

/** What recorded mode hands every family. */
export interface RecordedSources {
  /** `fixtures/oracle/corpus` and `fixtures/regressions` lines, read once for all families. */
  lines: readonly RecordedLine[];
  /** `fixtures/oracle/` (absolute): a family's own recordings live under it. */
  oracleDir: string;
  packSource: PackSource;
}

/** Live-mode settings from the command line. */
export interface LiveSettings {
  seed: number;
  numRuns: number;
  /** `evaluate --json` spot checks per pack. */
  cliChecksPerPack: number;
}

/** What live mode hands every family (after the version / pack list / compile preflight). */
export interface LiveContext {
  checkout: PythonCheckout;
  /** Extra environment for Python processes (tests plant stand-in behaviour with it). */
  pythonEnv: Readonly<Record<string, string>>;
  /** The long-lived adapter process: new request kinds are new adapter lines. */
  adapter: AdapterClient;
  packSource: PackSource;
  settings: LiveSettings;
  /** What Python's `policy compile --policy-pack <id>` printed, per pack (run once, up front). */
  pythonCompile: ReadonlyMap<string, CliResult>;
  /** Python's compiled policy per pack, written to a file (packs Python could not compile are absent). */
  compiled: ReadonlyMap<string, PackPolicy>;
}

/** What generation gets for one pack in live mode. */
export interface GenerateContext {
  pack: string;
  /** Position of the pack in the run (rotates which action type a single spot check covers). */
  packIndex: number;
  /** Python's compiled policy of the pack (absent when Python could not compile it). */
  policy?: PackPolicy;
  settings: LiveSettings;
  /** The packs both sides use (families that build real decisions of a pack to ask about). */
  packSource: PackSource;
}

/**
 * Generated cases. A `property` is drawn with `fc.sample(arbitrary, {seed, numRuns})`, so the
 * loop can replay a mismatch at index i with `{seed, path: String(i)}` and let fast-check shrink
 * it; a `list` is used as is (no shrinking).
 */
export type GeneratedCases<C> =
  | { kind: 'property'; arbitrary: fc.Arbitrary<unknown>; bind: (value: unknown) => C; numRuns: number }
  | { kind: 'list'; cases: C[] };

/** Builds the `property` form with the generated type checked (it is erased in the union). */
export function propertyCases<G, C>(
  arbitrary: fc.Arbitrary<G>,
  bind: (value: G) => C,
  numRuns: number,
): GeneratedCases<C> {
  return {
    kind: 'property',
    arbitrary,
    bind: bind as (value: unknown) => C,
    numRuns,
  };
}

/** The TypeScript side: the decision engine cache and the pack source the run uses. */
export interface TypeScriptContext {
  decisions: Pick<TypeScriptSide, 'decide'>;
  packSource: PackSource;
}

/**
 * One case family. `C` is a case (what both sides are asked), `A` an answer. Register it in
 * `families/index.ts`; the loop does the rest (batching, pipelining, tallies, shrinking,
 * mismatch records, per-family counts in summary.json/md and junit.xml).
 */
export interface CaseFamily<C, A> {
  /** Stable id: the mismatch `kind`, the key in per-family counts, the junit suite name. */
  readonly id: string;
  /** One line for people (README, summary.md). */
  readonly title: string;
  /** `cases` families add to a pack's case count; `checks` (compile, CLI spot checks) are counted apart. */
  readonly counts: 'cases' | 'checks';
  /** Packs answered at once in live mode (CLI families parallelise; the adapter is one process). */
  readonly packConcurrency?: number;
  /** Cases per oracle round trip (default 1000). */
  readonly batchSize?: number;

  /** Recorded mode: this family's recorded cases (from `sources.lines` or files of its own). */
  recorded(sources: RecordedSources): RecordedCase<C, A>[];
  /** Live mode: the cases for one pack, or undefined for none. */
  generate(context: GenerateContext): GeneratedCases<C> | undefined;
  /** Live mode: how Python is asked. */
  liveOracle(context: LiveContext): Oracle<C, A>;
  /** How TypeScript is asked (never throws: a crash is an answer that differs). */
  typescript(c: C, context: TypeScriptContext): A;
  compare(python: A, typescript: A, options: { pythonHasVolatile: boolean }): FamilyVerdict;

  /** The pack a case is reported under. */
  pack(c: C): string;
  /** The case as reported (what the oracle was asked). */
  show(c: C): PyValue;
  /** An answer as reported. */
  showAnswer(a: A): PyValue;
  /** Coverage: the rule (or other bucket) an answered case counts for. */
  rule?(python: A, typescript: A): string;
  /** Coverage: rules a pack's cases can reach; a reachable rule no case hit is flagged. */
  reachableRules?(pack: string, policy: PyValue | undefined, cases: readonly C[]): string[];
  /** Mismatch kinds: one representative of each is shrunk (default: the differing field names). */
  signature?(python: A, typescript: A, fields: readonly FieldDiff[]): string;
}

/** A family with its case and answer types erased, as the registry holds them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each family checks its own types
export type AnyCaseFamily = CaseFamily<any, any>;
