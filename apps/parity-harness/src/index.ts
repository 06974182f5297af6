export { runParity, type ParityIo, type ParityRun } from './main.js';
export { parseParityArgs, reproduceCommand, USAGE, type ParityOptions } from './args.js';
export { EXIT, HARNESS_ERROR_CODES, HarnessError, isHarnessError, type HarnessErrorCode } from './errors.js';
export { compareOutcomes, type FieldDiff, type Verdict } from './compare.js';
export { adapterLine, adapterRequest, caseKey, type Outcome, type ParityCase } from './cases.js';
export { AdapterClient, type AdapterHello, type AdapterOptions } from './oracle/adapter.js';
export { AdapterOracle, adapterKindLine } from './oracle/adapter-oracle.js';
export { RecordedOracle } from './oracle/recorded-oracle.js';
export {
  propertyCases,
  type AnyCaseFamily,
  type CaseFamily,
  type FamilyVerdict,
  type GenerateContext,
  type GeneratedCases,
  type LiveContext,
  type LiveSettings,
  type Oracle,
  type PackPolicy,
  type RecordedCase,
  type RecordedSources,
  type TypeScriptContext,
} from './family.js';
export { FAMILIES } from './families/index.js';
export { decisionFamily } from './families/decision.js';
export { compileFamily, type CompileAnswer, type CompileCase } from './families/compile.js';
export { cliEvaluateFamily, type CliCheck } from './families/cli-evaluate.js';
export {
  RELEASE_GOVERNANCE_FAMILY,
  decideReleaseGovernance,
  releaseGovernanceFamily,
  releaseGovernanceRequestArbitrary,
  type ReleaseGovernanceCase,
} from './families/release-governance.js';
export {
  APPROVAL_ROUTING_FAMILY,
  PARSER_MESSAGE_DIFFERENCE,
  approvalRoutingFamily,
  compareRouting,
  createApprovalRoutingFamily,
  routeWithTypescript,
  routingRequestArbitrary,
  type ApprovalRoutingFamilyOptions,
  type RoutingAnswer,
  type RoutingCase,
} from './families/approval-routing.js';
export { runCases, drawCases, type FamilyTally, type CaseLoopOptions } from './run/case-loop.js';
export { caseArbitrary, type GeneratedCase } from './generate/decision-cases.js';
export { packProfile, reachableRules, type PackProfile } from './generate/profile.js';
export type { ParitySummary } from './report/summary.js';
