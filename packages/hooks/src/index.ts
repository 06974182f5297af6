export {
  HOOK_AGENTS,
  isHookAgent,
  type AgentAdapter,
  type AnswerOptions,
  type HookAction,
  type HookAgent,
  type HookAnswer,
  type HookEvent,
  type HookVerdict,
} from './types.js';
export { AGENT_ADAPTERS } from './adapters/index.js';
export { decideHookEvent, failureMessage, runHook, type HookRunOptions } from './run-hook.js';
export { strictest, verdictMessage } from './strictest.js';
export {
  commandViews,
  loadShellSyntax,
  type CommandViews,
  type ShellParserLoader,
  type ShellParserModule,
  type SimpleCommand,
} from './views/commands.js';
export { pathViews, relativeToRoot, type PathContext } from './views/paths.js';
export { gitPush, type GitPush } from './views/git-push.js';
export {
  AGENT_CONFIG_FILES,
  AGENT_HOOK_EVENTS,
  hookCommand,
  installHookConfig,
  isCavraHookCommand,
  removeHookConfig,
  type HookCommandOptions,
} from './config/hook-config.js';
