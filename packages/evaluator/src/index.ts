export { DEFAULT_POLICY_PACK, UNKNOWN_ACTION_RULE_ID, evaluate, policyLabel, type EvaluationContext } from './evaluate.js';
export { preparePolicy, type McpRules, type PreparedPolicy } from './prepared-policy.js';
export { compilePattern, compilePatternList, type PatternList, type PatternMatcher } from './python-compat/pattern-matching.js';
// str.strip() and pathlib paths live in @cavra/policy-model (one home per Python rule, see
// docs/python-compatibility.md); the names this package exported before stay importable here.
export {
  PY_WHITESPACE,
  PY_WHITESPACE as PYTHON_WHITESPACE,
  pyPathString,
  pyPathString as pythonPathString,
  pyStrip,
  pyStrip as pythonStrip,
} from '@cavra/policy-model';
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
