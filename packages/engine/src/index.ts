export {
  PREPARED_POLICY_CACHE_LIMIT,
  createDecisionEngine,
  isPlainPackName,
  parseActionRequest,
  preparedPolicyCacheSize,
  type DecisionEngine,
  type DecisionEngineOptions,
} from './engine.js';
export {
  createReleaseGovernanceRoute,
  isReleaseGovernanceDecision,
  isReleaseGovernanceInput,
  releaseGovernanceDecisionJson,
  type ReleaseGovernanceDecision,
  type ReleaseGovernanceRoute,
} from './release-governance-request.js';
