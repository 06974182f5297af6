export {
  createDecisionEngine,
  parseActionRequest,
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
