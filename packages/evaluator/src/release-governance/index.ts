export {
  DEFAULT_RECORD_KIND,
  RELEASE_GOVERNANCE_ACTION_TYPE,
  RELEASE_GOVERNANCE_APPROVER_GROUP,
  evaluateReleaseGovernanceRecord,
  type ReleaseGovernanceDecisionCore,
} from './evaluate-record.js';
export { APPROVAL_REQUIRED_KINDS, DELIVERY_KINDS, EXECUTION_KINDS, KNOWN_KINDS } from './kinds.js';
export { boolValue, intValue, normalizeState, pythonLower, stringValue } from './values.js';
