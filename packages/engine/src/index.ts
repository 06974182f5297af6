export {
  PREPARED_POLICY_CACHE_LIMIT,
  createDecisionEngine,
  isPlainPackName,
  parseActionRequest,
  preparedPolicyCacheSize,
  type DecisionEngine,
  type DecisionEngineOptions,
} from './engine.js';
