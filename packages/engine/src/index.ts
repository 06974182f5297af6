export {
  createDecisionEngine,
  parseActionRequest,
  type DecisionEngine,
  type DecisionEngineOptions,
} from './engine.js';
