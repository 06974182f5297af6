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
export { PyJsonSyntaxError, fromPlainJson, parsePyJson, toPlainJson } from './python/json-parse.js';
export { compareCodePoints, sortByCodePoint } from './text/code-point-order.js';
export { PyJsonTypeError, dumpsPyJson, pyJsonString, type PyJsonDumpOptions } from './python/json-dumps.js';
export * from './schemas/index.js';
export * from './compile/index.js';
export * from './packs/index.js';
export {
  POLICY_SCHEMA,
  formatValidationError,
  formatValidationErrorLines,
  validatePolicy,
  type ValidationError,
} from './validate/policy.js';
export { isJsonSchemaType, iterSchemaErrors, type JsonSchema, type RawSchemaError } from './validate/json-schema.js';
export { listPolicyPacks, type PolicyPackSummary } from './packs/list-packs.js';
export { PyYamlError, loadPyYaml, type PyYamlErrorParts, type PyYamlMark } from './yaml/index.js';
export { checkPolicy, loadPolicyJsonFile, loadPolicyYamlFile } from './load/policy-file.js';
