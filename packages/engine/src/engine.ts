import {
  CavraError,
  actionRequestSchema,
  isActionRequest,
  bundledPackSource,
  loadPackPolicy,
  pyTruthy,
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
import { createDecisionEnveloper, type EnvelopeOptions } from '@cavra/evidence';
import type { ReleaseGovernanceDecisionCore } from '@cavra/evaluator';
import {
  createReleaseGovernanceRoute,
  isReleaseGovernanceInput,
  type ReleaseGovernanceDecision,
} from './release-governance-request.js';

export interface DecisionEngineOptions {
  /** Where packs are resolved by id (the pack route). Default: the bundled packs. */
  packs?: PackSource;
  /** A compiled policy (the `--policy FILE` route), used exactly as stored instead of a pack. */
  compiledPolicy?: PyValue;
  /** A parsed trust-registry document. Truthy: MCP calls are decided by the registry alone. */
  registry?: PyValue;
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
}

type PolicyEntry = { ok: true; policy: PreparedPolicy } | { ok: false; error: CavraError };

/** Prepared pack policies per pack source, shared by every engine over that source. */
const preparedPacks = new WeakMap<PackSource, Map<string, PolicyEntry>>();

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
  const registry: TrustRegistry | undefined =
    options.registry !== undefined && pyTruthy(options.registry)
      ? buildTrustRegistry(options.registry)
      : undefined;
  const envelope = createDecisionEnveloper(options.envelope);

  let compiled: PreparedPolicy | undefined;
  if (options.compiledPolicy !== undefined) {
    const policy = options.compiledPolicy;
    if (!(policy instanceof Map))
      throw new CavraError('policy_invalid', 'a compiled policy must be a JSON object');
    compiled = preparePolicy(policy);
  }
  const fallbackLabel = compiled?.metadataId ?? DEFAULT_POLICY_PACK;

  let byLabel = preparedPacks.get(packs);
  if (!byLabel) preparedPacks.set(packs, (byLabel = new Map<string, PolicyEntry>()));
  const cache = byLabel;
  const packPolicy = (label: string): PreparedPolicy => {
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
    return entry.policy;
  };

  const decideActionCore = (input: unknown): DecisionCore => {
    // A Python-model mapping (parsePyJson) of one of the five action types: plain data again.
    const request = parseActionRequest(input instanceof Map ? toPlainJson(input as PyValue) : input);
    const policy = compiled ?? packPolicy(policyLabel(request, fallbackLabel));
    return evaluate(request, { policy, fallbackLabel, registry });
  };
  // Release-governance requests carry non-string values: they are routed before the string-field check.
  const releaseGovernance = createReleaseGovernanceRoute({
    fallbackLabel,
    buildGuard: (label) => compiled ?? packPolicy(label),
    envelope: options.envelope,
  });
  return {
    decideCore: (input) =>
      isReleaseGovernanceInput(input) ? releaseGovernance.decideCore(input) : decideActionCore(input),
    decide: (input) =>
      isReleaseGovernanceInput(input) ? releaseGovernance.decide(input) : envelope(decideActionCore(input)),
  };
}
