export { booleanFlag, parseArgs, stringFlag, stringsFlag, type FlagKind, type FlagSpec, type ParsedArgs } from './args.js';
export { DECIDE_FLAGS, MAX_REQUEST_BYTES, decideCommand } from './commands/decide.js';
export {
  EXIT_BAD_INPUT,
  EXIT_FAILURE,
  EXIT_OK,
  EXIT_TABLE,
  EXIT_VERIFICATION_FAILED,
  ExitStatus,
  errorPayload,
  exitCodeFor,
  exitStatusFor,
  policyCommandExitCodeFor,
  reportError,
  writeError,
  type ErrorPayload,
  type ExitRows,
} from './exit-codes.js';
export type { CliIo } from './io.js';
export { DECIDE_COMMAND, main, type Command } from './main.js';
export { CLI_VERSION } from './version.js';
export {
  DEFAULT_COMPILE_PACK,
  POLICY_USAGE,
  policyCommand,
  renderCompiledPolicy,
} from './commands/policy.js';
