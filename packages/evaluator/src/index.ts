export { DEFAULT_POLICY_PACK, UNKNOWN_ACTION_RULE_ID, evaluate, policyLabel, type EvaluationContext } from './evaluate.js';
export { preparePolicy, type McpRules, type PreparedPolicy } from './prepared-policy.js';
export { pythonPathString } from './python-compat/path-normalization.js';
export { compilePattern, compilePatternList, type PatternList, type PatternMatcher } from './python-compat/pattern-matching.js';
export { PYTHON_WHITESPACE, pythonStrip } from './python-compat/whitespace-strip.js';
export {
  APPROVAL_REQUIRED_KINDS,
  DEFAULT_RECORD_KIND,
  DELIVERY_KINDS,
  EXECUTION_KINDS,
  KNOWN_KINDS,
  RELEASE_GOVERNANCE_ACTION_TYPE,
  RELEASE_GOVERNANCE_APPROVER_GROUP,
  evaluateReleaseGovernanceRecord,
  normalizeState,
  pythonLower,
  type ReleaseGovernanceDecisionCore,
} from './release-governance/index.js';
