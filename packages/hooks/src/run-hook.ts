import { CavraError, type ActionRequest, type DecisionValue } from '@cavra/policy-model';
import type { DecisionEngine } from '@cavra/engine';
import { recordDecision, type EvidenceSink } from '@cavra/evidence';
import { AGENT_ADAPTERS } from './adapters/index.js';
import { strictest, verdictMessage } from './strictest.js';
import type { HookAction, HookAgent, HookAnswer, HookEvent, HookVerdict } from './types.js';
import { commandViews, loadShellSyntax, type ShellParserLoader } from './views/commands.js';
import { gitPush } from './views/git-push.js';
import { pathViews } from './views/paths.js';

export interface HookRunOptions {
  agent: HookAgent;
  /** The event as the agent wrote it to stdin. */
  eventText: string;
  /**
   * Builds the engine over the configured policy. Called on every run (one hook process per
   * event), so a policy edit applies to the next tool call and a policy that no longer loads blocks.
   */
  loadEngine: () => Pick<DecisionEngine, 'decide'>;
  /** The project root (`--project`); else the agent's reported root or working directory, else `cwd`. */
  projectRoot?: string;
  /** The hook process's working directory. */
  cwd: string;
  /** `--policy-pack ID`: set as `policy_pack` on every request. */
  policyPack?: string;
  /** Canonical real path of an absolute path (`@cavra/hooks/node`); absent: lexical views only. */
  realpath?: (absolute: string) => string;
  /** The current branch of the repository at the project root (for a `git push` without refspec). */
  currentBranch?: (projectRoot: string) => string | undefined;
  /** Where every decision is recorded (`--evidence-log`). A failing append blocks the call. */
  evidenceSink?: EvidenceSink;
  /** Answer allow explicitly instead of printing nothing. */
  explicitAllow?: boolean;
  /** Loads the shell parser (default: the module import). */
  shellParser?: ShellParserLoader;
}

/** A request to decide, or a verdict the hook itself reached (e.g. a command it could not parse). */
type Check = { request: ActionRequest } | { verdict: HookVerdict };

function hookVerdict(decision: DecisionValue, ruleId: string, reason: string): HookVerdict {
  return { decision, ruleId, message: verdictMessage(decision, ruleId, reason) };
}

function parseEventText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new CavraError('invalid_json', `hook event is not valid JSON: ${(error as Error).message}`);
  }
}

async function checksFor(
  action: HookAction,
  base: Omit<ActionRequest, 'action_type'>,
  paths: { projectRoot: string; cwd: string; realpath?: (absolute: string) => string },
  branch: () => string | undefined,
  shellParser: ShellParserLoader | undefined,
): Promise<Check[]> {
  switch (action.kind) {
    case 'read':
    case 'write':
      return pathViews(action.path, paths).map((target) => ({
        request: { ...base, action_type: action.kind === 'read' ? 'read_file' : 'write_file', target },
      }));
    case 'command': {
      const views = commandViews(action.command, await loadShellSyntax(shellParser));
      const checks: Check[] = views.views.map((target) => ({ request: { ...base, action_type: 'execute_command', target } }));
      for (const simple of views.simpleCommands) {
        const push = gitPush(simple.words, branch());
        if (!push) continue;
        for (const target of push.targets) {
          checks.push({ request: { ...base, action_type: 'git_operation', operation: 'push', target } });
        }
        if (push.review) checks.push({ verdict: hookVerdict('require_approval', 'hook.git_push.review', `${push.review}; review required.`) });
      }
      if (views.unparsed !== undefined) {
        checks.push({
          verdict: hookVerdict('require_approval', 'hook.command.unparsed', `The command could not be parsed (${views.unparsed}); review required.`),
        });
      }
      return checks;
    }
    case 'mcp':
      return [{ request: { ...base, action_type: 'mcp_tool_call', server: action.server, tool: action.tool } }];
    case 'unmapped':
      // An unknown action type: the engine answers its fail-closed review default, never allow.
      return [{ request: { ...base, action_type: `agent_tool:${action.tool}` } }];
  }
}

function hookDecisionRecord(verdict: HookVerdict, base: Omit<ActionRequest, 'action_type'>): Record<string, unknown> {
  return {
    session_id: base.session_id ?? 'local',
    agent_id: base.agent_id ?? 'unknown-agent',
    action_type: 'hook',
    decision: verdict.decision,
    rule_id: verdict.ruleId,
    reason: verdict.message,
  };
}

/** Decides one parsed event: every request of every action, every view; the strictest wins. */
export async function decideHookEvent(
  event: HookEvent,
  options: Omit<HookRunOptions, 'eventText'>,
): Promise<HookVerdict> {
  const engine = options.loadEngine();
  const projectRoot = options.projectRoot ?? event.projectRoot ?? event.cwd ?? options.cwd;
  const paths = {
    projectRoot,
    cwd: event.cwd ?? projectRoot,
    ...(options.realpath ? { realpath: options.realpath } : {}),
  };
  let branchCache: { value: string | undefined } | undefined;
  const branch = (): string | undefined => (branchCache ??= { value: options.currentBranch?.(projectRoot) }).value;
  const base: Omit<ActionRequest, 'action_type'> = {
    agent_id: options.agent,
    ...(event.sessionId !== undefined ? { session_id: event.sessionId } : {}),
    ...(options.policyPack !== undefined ? { policy_pack: options.policyPack } : {}),
  };
  const verdicts: HookVerdict[] = [];
  for (const action of event.actions) {
    for (const check of await checksFor(action, base, paths, branch, options.shellParser)) {
      if ('verdict' in check) {
        options.evidenceSink?.append({ request: { ...base, action_type: 'hook', tool: event.toolName }, decision: hookDecisionRecord(check.verdict, base) });
        verdicts.push(check.verdict);
        continue;
      }
      const decided = engine.decide(check.request);
      // As the decide path: the decision carries its record's reference (`evidence_refs`).
      const decision = options.evidenceSink ? recordDecision(options.evidenceSink, check.request, decided) : decided;
      verdicts.push(hookVerdict(decision.decision, decision.rule_id, decision.reason));
    }
  }
  return strictest(verdicts) ?? hookVerdict('require_approval', 'hook.no_action', `The ${event.toolName} call names nothing to decide; review required.`);
}

/** Why nothing could be decided, as the message of the fail-closed block. */
export function failureMessage(error: unknown): string {
  if (error instanceof CavraError) return verdictMessage('block', `hook.${error.code}`, error.message);
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return verdictMessage('block', 'hook.internal', `internal fault: ${detail}`);
}

/**
 * Runs the hook for one event: reads it, decides it, and answers in the agent's protocol.
 * Never throws: any failure (bad event, unknown shape, unloadable policy or registry, evidence
 * that cannot be written, an internal fault) is the agent's blocking answer.
 */
export async function runHook(options: HookRunOptions): Promise<HookAnswer> {
  const adapter = AGENT_ADAPTERS[options.agent];
  let form: string | undefined;
  try {
    const event = adapter.parseEvent(parseEventText(options.eventText));
    form = event.form;
    const verdict = await decideHookEvent(event, options);
    return adapter.answer(verdict, event.form, { explicitAllow: options.explicitAllow ?? false });
  } catch (error) {
    const message = failureMessage(error);
    try {
      options.evidenceSink?.append({
        request: { action_type: 'hook', agent_id: options.agent },
        decision: { agent_id: options.agent, action_type: 'hook', decision: 'block', rule_id: 'hook.error', reason: message },
      });
    } catch {
      // Already blocking; the log failure cannot make it stricter.
    }
    return adapter.failClosed(message, form);
  }
}
