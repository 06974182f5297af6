export { CavraError, ERROR_CODES, isCavraError, type ErrorCode, type Issue } from './errors.js';
export {
  PyBytes,
  PyDate,
  PyDateTime,
  isPyDict,
  isPyList,
  pyEquals,
  pyTruthy,
  pyQualifiedTypeName,
  pyTypeName,
  type PyDict,
  type PyList,
  type PyValue,
} from './python/value.js';
export { pyFloatRepr, pyRepr, pyStr, pyStrRepr } from './python/repr.js';
export { PY_WHITESPACE, isPyWhitespace, pyStrip } from './python/whitespace.js';
export { pyPathString } from './python/pure-posix-path.js';
export { pyIterate, pyNoAttributeLine, pyNotIterableLine } from './python/exceptions.js';
export {
  pyDateTimeMicros,
  pyDayNumber,
  pyDaysInMonth,
  pyIsLeapYear,
  type PyDateTimeParts,
} from './python/dates.js';
export {
  PY_JSON_MAX_DEPTH,
  PyJsonRecursionError,
  PyJsonSyntaxError,
  fromPlainJson,
  parsePyJson,
  toPlainJson,
} from './python/json-parse.js';
export { PyUnicodeDecodeError, decodePyTextFile, decodePyUtf8, pyUniversalNewlines } from './python/utf8.js';
export { compareCodePoints, sortByCodePoint } from './text/code-point-order.js';
export { PyJsonTypeError, dumpsPyJson, pyJsonString, type PyJsonDumpOptions } from './python/json-dumps.js';
export {
  ACTION_TYPES,
  actionRequestSchema,
  actionTypeSchema,
  isActionRequest,
  type ActionRequest,
  type ActionType,
} from './schemas/action-request.js';
export {
  CORRELATION_ID_PATTERN,
  DECISION_ID_PATTERN,
  DECISION_KEYS,
  TIMESTAMP_PATTERN,
  VOLATILE_DECISION_KEYS,
  approverGroupSchema,
  decisionCoreSchema,
  decisionSchema,
  decisionValueSchema,
  severitySchema,
  type ApproverGroup,
  type Decision,
  type DecisionCore,
  type DecisionValue,
  type Severity,
} from './schemas/decision.js';
export {
  POLICY_ID_PATTERN,
  commandRulesSchema,
  compiledPolicySchema,
  filesystemRulesSchema,
  gitRulesSchema,
  mcpRulesSchema,
  policyMetadataSchema,
  policySchema,
  stringListSchema,
  type CommandRules,
  type CompiledPolicy,
  type FilesystemRules,
  type GitRules,
  type McpPolicyRules,
  type Policy,
  type PolicyMetadata,
  type PolicyShape,
} from './schemas/policy.js';
export { POLICY_JSON_SCHEMA } from './schemas/policy-json-schema.generated.js';
export {
  APPROVAL_STATES,
  TRUST_TIERS,
  approvalStateSchema,
  mcpServerRecordSchema,
  trustRegistryFileSchema,
  trustTierSchema,
  type ApprovalState,
  type McpServerRecord,
  type TrustRegistryFile,
  type TrustTier,
} from './schemas/trust-registry.js';
export { compilePolicy } from './compile/compile.js';
export { dedupe, deepCopy, mergeMetadata, mergePolicy, mergeSection } from './compile/merge.js';
export { normalizePolicy } from './compile/normalize.js';
export { loadPackDocument, loadPackPolicy } from './packs/load-pack.js';
export { parsePolicyYaml } from './packs/parse-policy-yaml.js';
export { bundledPackSource, invalidPack, notFound, type PackSource } from './packs/bundled-pack-source.js';
export {
  POLICY_SCHEMA,
  formatValidationError,
  formatValidationErrorLines,
  validatePolicy,
  type ValidationError,
} from './validate/policy.js';
export {
  isJsonSchemaType,
  iterSchemaErrors,
  type JsonSchema,
  type RawSchemaError,
} from './validate/json-schema.js';
export { listPolicyPacks, type PolicyPackSummary } from './packs/list-packs.js';
export { PyYamlError, loadPyYaml, type PyYamlErrorParts, type PyYamlMark } from './yaml/index.js';
export { checkPolicy, parsePolicyJsonText } from './validate/check-policy.js';
export { EVALUATED_POLICY_FIELDS, type EvaluatedPolicySection } from './schemas/policy-sections.js';
// File-system loaders (directoryPackSource, resolvePackSource, readPythonTextFile,
// loadPolicyJsonFile, loadPolicyYamlFile, readRegularFile) live in '@cavra/policy-model/node':
// this entry point imports no Node built-in, so the pure evaluator can bundle it anywhere.
