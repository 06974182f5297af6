export { DEFAULT_ROUTING_RULES, defaultRoutingRules, routeApproverGroup, type RoutingRule } from './route.js';
export { isYamlRoutingPath, parseRoutingFile, pathSuffix, routingRulesFromDocument } from './routing-file.js';
export { decodePythonText, parsePythonJsonText } from './python-text.js';
export {
  APPROVAL_SCHEMA_VERSION,
  createApprovalRequest,
  decisionMapping,
  type ApprovalEdge,
  type ApprovalRequestOptions,
} from './record.js';
export {
  APPROVAL_RECORD_STATES,
  BREAK_GLASS_GROUP,
  DECIDED_STATES,
  actorCanDecide,
  applyApprovalDecision,
  checkStoredApproval,
  createBreakGlassApproval,
  type ApprovalDecisionInput,
  type ApprovalRecordState,
  type BreakGlassInput,
  type DecidedState,
} from './transitions.js';
