import {
  CavraError,
  actionRequestSchema,
  isActionRequest,
  bundledPackSource,
  loadPackPolicy,
  toPlainJson,
  type ActionRequest,
  type Decision,
  type DecisionCore,
  type PackSource,
  type PyValue,
  type Issue,
} from '@cavra/policy-model';
import {
  DEFAULT_POLICY_PACK,
  evaluate,
  policyLabel,
  preparePolicy,
  type PreparedPolicy,
} from '@cavra/evaluator';
import { buildTrustRegistry, type TrustRegistry } from '@cavra/registry';
import {
  createDecisionEnveloper,
  createDecisionLineWriter,
  systemMicrosecondClock,
  type EnvelopeOptions,
} from '@cavra/evidence';
import type { AnswerSlab } from './batch/answer-slab.js';
import { BoundedCache } from './bounded-cache.js';
import type { ReleaseGovernanceDecisionCore } from '@cavra/evaluator';
import {
  createReleaseGovernanceRoute,
  isReleaseGovernanceInput,
  releaseGovernanceDecisionJson,
  type ReleaseGovernanceDecision,
} from './release-governance-request.js';

export interface DecisionEngineOptions {
  /** Where packs are resolved by id (the pack route). Default: the bundled packs. */
  packs?: PackSource;
  /** A compiled policy (the `--policy FILE` route), used exactly as stored instead of a pack. */
  compiledPolicy?: PyValue;
  /**
   * A parsed trust-registry document (the `--registry FILE` route). When given, MCP calls are
   * decided by the registry alone. It must be a JSON object: `null`, `[]`, `false`, `0`, `""`
   * are refused (`registry_invalid`) instead of silently turning registry mode off; `{}` is
   * registry mode with no servers (every MCP server is unknown). Python treats a falsy *inline*
   * registry as "none": callers that model that pass no `registry` at all.
   */
  registry?: PyValue;
  /**
   * Join any `policy_pack` onto the pack root as a path, as Python does (`../x`, `/tmp/x`,
   * `cavra-hipaa/`). Off by default: only plain names (see `isPlainPackName`) are looked up,
   * others are refused with `pack_not_found`. Parity checks turn it on.
   */
  allowPackPaths?: boolean;
  /**
   * Pin the pack: a request without `policy_pack` is decided by this pack (and labelled with
   * it), a request naming another pack is refused (`pack_not_allowed`). On the pack route the
   * pinned pack is loaded when the engine is created, so a bad pin fails at once.
   */
  pinnedPolicyPack?: string;
  /** Injected randomness and clock for the evidence envelope (tests). */
  envelope?: EnvelopeOptions;
}

export interface DecisionEngine {
  /**
   * The full 17-key decision for one request; throws `CavraError` for input Python would reject.
   * A `release_governance_record` request gets a `ReleaseGovernanceDecision` (raw JSON values).
   */
  decide(request: unknown): Decision | ReleaseGovernanceDecision;
  /** The deterministic part only (no ids, no clock). */
  decideCore(request: unknown): DecisionCore | ReleaseGovernanceDecisionCore;
  /**
   * `decide`, emitted into `out` as its compact answer line: the bytes `answerLine(decide(request))`
   * gives, written in place without building the decision object or its text (the batch path).
   * Returns what was decided (the deterministic part, or the release-governance decision), for
   * metrics. Throws like `decide`, having emitted nothing.
   */
  writeDecisionLine(request: unknown, out: AnswerSlab): DecisionCore | ReleaseGovernanceDecision;
}

type PolicyEntry = { ok: true; policy: PreparedPolicy } | { ok: false; error: CavraError };

/**
 * How many labels (packs, and labels that failed to load) are kept prepared per pack source.
 * Far above the 16 bundled packs; an evicted label is simply loaded again, with the same result.
 */
export const PREPARED_POLICY_CACHE_LIMIT = 256;

/** Prepared pack policies per pack source, shared by every engine over that source. */
const preparedPacks = new WeakMap<PackSource, BoundedCache<string, PolicyEntry>>();

const preparedPacksFor = (packs: PackSource): BoundedCache<string, PolicyEntry> => {
  let cache = preparedPacks.get(packs);
  if (!cache) preparedPacks.set(packs, (cache = new BoundedCache(PREPARED_POLICY_CACHE_LIMIT)));
  return cache;
};

/** How many labels are cached for `packs` now (for tests and diagnostics). */
export const preparedPolicyCacheSize = (packs: PackSource): number => preparedPacks.get(packs)?.size ?? 0;

/**
 * A plain pack name: not empty, not `.` or `..`, and without `/`, `\` or NUL, so it can only
 * name a folder directly under the pack root. Everything else is a path and needs `allowPackPaths`.
 */
export function isPlainPackName(id: string): boolean {
  return id !== '' && id !== '.' && id !== '..' && !/[/\\\0]/.test(id);
}

const packPathRefused = (id: string): CavraError =>
  new CavraError(
    'pack_not_found',
    `Policy pack '${id}' not found: a pack id must be a plain name (no '/', '\\', NUL, '.' or '..'); paths need --allow-pack-paths.`,
  );

const packNotAllowed = (id: string, pinned: string): CavraError =>
  new CavraError('pack_not_allowed', `Policy pack '${id}' is not allowed: this runtime is pinned to '${pinned}'.`);

function zodIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): Issue[] {
  return issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
}

/** Check a parsed request: a JSON object whose known fields are strings, with an `action_type`. */
export function parseActionRequest(request: unknown): ActionRequest {
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    throw new CavraError('invalid_request', 'request must be a JSON object', {
      python: 'TypeError: request must be a JSON object',
    });
  }
  if (isActionRequest(request)) return request;
  const parsed = actionRequestSchema.safeParse(request);
  if (parsed.success) return parsed.data;
  const missingActionType = !('action_type' in request);
  throw new CavraError(
    'invalid_request',
    missingActionType ? "'action_type' is required" : 'request fields must be strings',
    {
      issues: zodIssues(parsed.error.issues),
      ...(missingActionType ? { python: "KeyError: 'action_type'" } : {}),
    },
  );
}

/**
 * Python's `RuntimeGuard`, driven the way the reference harness drives it: one request in, one
 * decision out. Pack policies are loaded and prepared once per pack source and label, and shared
 * by the engines over that source (Python re-reads a pack for every guard; here pack files are
 * assumed not to change while the process runs).
 */
export function createDecisionEngine(options: DecisionEngineOptions = {}): DecisionEngine {
  const packs = options.packs ?? bundledPackSource;
  // Any document that is given means registry mode: a non-object fails in buildTrustRegistry.
  const registry: TrustRegistry | undefined =
    options.registry !== undefined ? buildTrustRegistry(options.registry) : undefined;
  const allowPackPaths = options.allowPackPaths === true;
  const pinned = options.pinnedPolicyPack;
  // One clock for both forms of a decision (the object and the line in place), and the injected
  // randomness if any; by default each form draws from its own CSPRNG pool (the line writer
  // reads its pool in place).
  const envelopeOptions: EnvelopeOptions = {
    clock: options.envelope?.clock ?? systemMicrosecondClock(),
    ...(options.envelope?.random !== undefined ? { random: options.envelope.random } : {}),
  };
  const envelope = createDecisionEnveloper(envelopeOptions);
  const lineWriter = createDecisionLineWriter(envelopeOptions);

  let compiled: PreparedPolicy | undefined;
  if (options.compiledPolicy !== undefined) {
    const policy = options.compiledPolicy;
    if (!(policy instanceof Map))
      throw new CavraError('policy_invalid', 'a compiled policy must be a JSON object');
    compiled = preparePolicy(policy);
  }
  const fallbackLabel = pinned ?? compiled?.metadataId ?? DEFAULT_POLICY_PACK;

  const cache = preparedPacksFor(packs);
  // The label this engine prepared last, and its policy: a batch asks for the same one again and again.
  let lastLabel: string | undefined;
  let lastPolicy: PreparedPolicy | undefined;
  const packPolicy = (label: string): PreparedPolicy => {
    if (label === lastLabel) return lastPolicy as PreparedPolicy;
    // Checked before the cache: an entry cached by an engine that allows paths must not leak.
    if (!allowPackPaths && !isPlainPackName(label)) throw packPathRefused(label);
    let entry = cache.get(label);
    if (!entry) {
      try {
        entry = { ok: true, policy: preparePolicy(loadPackPolicy(packs, label)) };
      } catch (error) {
        if (!(error instanceof CavraError)) throw error;
        entry = { ok: false, error };
      }
      cache.set(label, entry);
    }
    if (!entry.ok) throw entry.error;
    lastLabel = label;
    lastPolicy = entry.policy;
    return entry.policy;
  };

  if (pinned !== undefined && compiled === undefined) packPolicy(pinned);
  /** The pack a request may use: the pin refuses every other label. */
  const policyFor = (label: string): PreparedPolicy => {
    if (pinned !== undefined && label !== pinned) throw packNotAllowed(label, pinned);
    return compiled ?? packPolicy(label);
  };

  const decideActionCore = (input: unknown): DecisionCore => {
    // A Python-model mapping (parsePyJson) of one of the five action types: plain data again.
    const request = parseActionRequest(input instanceof Map ? toPlainJson(input as PyValue) : input);
    const policy = policyFor(policyLabel(request, fallbackLabel));
    return evaluate(request, { policy, fallbackLabel, registry });
  };
  // Release-governance requests carry non-string values: they are routed before the string-field check.
  const releaseGovernance = createReleaseGovernanceRoute({
    fallbackLabel,
    buildGuard: policyFor,
    envelope: envelopeOptions,
  });
  return {
    decideCore: (input) =>
      isReleaseGovernanceInput(input) ? releaseGovernance.decideCore(input) : decideActionCore(input),
    decide: (input) =>
      isReleaseGovernanceInput(input) ? releaseGovernance.decide(input) : envelope(decideActionCore(input)),
    writeDecisionLine: (input, out) => {
      if (isReleaseGovernanceInput(input)) {
        const decision = releaseGovernance.decide(input);
        out.emit(releaseGovernanceDecisionJson(decision));
        return decision;
      }
      const core = decideActionCore(input);
      const slab = out.reserve(lineWriter.bound(core) + 1);
      out.endLine(lineWriter.write(core, slab, out.offset));
      return core;
    },
  };
}
