import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { CavraError } from '@cavra/policy-model';
import type { EvidenceSink } from '@cavra/evidence';
import {
  AGENT_ADAPTERS,
  HOOK_AGENTS,
  failureMessage,
  isHookAgent,
  runHook,
  type HookAgent,
  type HookAnswer,
  type ShellParserLoader,
  type ShellParserModule,
} from '@cavra/hooks';
import { canonicalPath, currentGitBranch } from '@cavra/hooks/node';
import { booleanFlag, parseArgs, stringFlag, type ParsedArgs } from '../args.js';
import { EVIDENCE_LOG_FLAGS, openEvidenceLogFromFlags } from '../evidence-log-option.js';
import { requireWithCodeCache } from '../code-cache.js';
import type { CliIo } from '../io.js';
import { decodeRequestUtf8 } from '@cavra/engine';
import { engineFrom, readSingleRequest } from './decide.js';

export const HOOK_FLAGS = {
  project: 'string',
  'policy-pack': 'string',
  'policy-dir': 'string',
  policy: 'string',
  registry: 'string',
  ...EVIDENCE_LOG_FLAGS,
  'explicit-allow': 'boolean',
  'timeout-ms': 'string',
} as const;

/** An event carries the tool's input (a whole file for a write, Cursor's file content for a read). */
export const MAX_HOOK_EVENT_BYTES = 64 * 1024 * 1024;

/** Deciding one event takes milliseconds; past this the hook blocks instead of hanging the agent. */
export const DEFAULT_HOOK_TIMEOUT_MS = 5000;

/**
 * How long a hook waits for the evidence log's lock: agents run one hook process per tool call,
 * several at once, and each holds the lock for milliseconds. Never longer than the hook's timeout.
 */
export const HOOK_EVIDENCE_LOCK_WAIT_MS = 2000;

/**
 * The shell parser (mvdan-sh, 1.5 MB of JavaScript compiled from Go) loaded with the CLI's V8
 * code cache: without it every shell tool call compiles the parser anew. Resolved from this
 * module, or from the single-file bundle (`__filename`), whichever is running.
 */
const shellParserWithCodeCache: ShellParserLoader = () => {
  const resolver = createRequire(typeof __filename === 'string' ? __filename : import.meta.url);
  return requireWithCodeCache(resolver.resolve('mvdan-sh'), 'mvdan-sh') as ShellParserModule;
};

export interface HookCommandDependencies {
  /** Overrides `--evidence-log` (tests, or a caller with its own log). */
  evidenceSink?: EvidenceSink;
}

function timeoutOf(flags: ParsedArgs): number {
  const text = stringFlag(flags, 'timeout-ms');
  if (text === undefined) return DEFAULT_HOOK_TIMEOUT_MS;
  const value = Number(text);
  if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(value) || value <= 0) {
    throw new CavraError('usage', `--timeout-ms must be a positive whole number of milliseconds, not ${text}`);
  }
  return value;
}

function write(io: CliIo, answer: HookAnswer): number {
  if (answer.stdout !== '') io.stdout.write(answer.stdout);
  if (answer.stderr !== '') io.stderr.write(answer.stderr);
  return answer.exitCode;
}

/**
 * The `--evidence-log` sink of one hook run, opened at its first record: the lock is then held
 * only while this process records (not while it reads the event and loads the policy), so hook
 * processes running side by side wait for each other briefly. The wait for the lock ends at the
 * hook's deadline at the latest. A log that cannot be opened (locked past the wait, torn,
 * unwritable) throws from `append`, and the run blocks.
 */
function lazyEvidenceLog(flags: ParsedArgs, io: CliIo, deadline: number): EvidenceSink | undefined {
  if (stringFlag(flags, 'evidence-log') === undefined) {
    openEvidenceLogFromFlags(flags, io); // refuses log options without a log
    return undefined;
  }
  let log: EvidenceSink | undefined;
  let openFailure: Error | undefined;
  const opened = (): EvidenceSink => {
    if (log) return log;
    // Tried once: the run's failure record must not wait for the lock a second time.
    if (openFailure) throw openFailure;
    const lockWaitMs = Math.max(0, Math.min(HOOK_EVIDENCE_LOCK_WAIT_MS, deadline - performance.now()));
    try {
      log = openEvidenceLogFromFlags(flags, io, { lockWaitMs });
    } catch (error) {
      openFailure = error instanceof Error ? error : new Error(String(error));
      throw openFailure;
    }
    if (!log) throw new CavraError('internal', '--evidence-log given but no log opened');
    return log;
  };
  return {
    append: (entry) => opened().append(entry),
    flush: () => log?.flush() ?? Promise.resolve(),
    close: () => log?.close() ?? Promise.resolve(),
  };
}

async function decide(
  agent: HookAgent,
  flags: ParsedArgs,
  io: CliIo,
  dependencies: HookCommandDependencies,
  deadline: number,
): Promise<HookAnswer> {
  const evidenceSink = dependencies.evidenceSink ?? lazyEvidenceLog(flags, io, deadline);
  try {
    const bytes = await readSingleRequest(io.stdin, MAX_HOOK_EVENT_BYTES);
    const eventText = decodeRequestUtf8(bytes, 0, bytes.length);
    const project = stringFlag(flags, 'project');
    const policyPack = stringFlag(flags, 'policy-pack');
    return await runHook({
      agent,
      eventText,
      loadEngine: () => engineFrom(flags, io),
      cwd: io.cwd,
      ...(project !== undefined ? { projectRoot: resolve(io.cwd, project) } : {}),
      ...(policyPack !== undefined ? { policyPack } : {}),
      realpath: canonicalPath,
      currentBranch: currentGitBranch,
      ...(evidenceSink ? { evidenceSink } : {}),
      explicitAllow: booleanFlag(flags, 'explicit-allow'),
      shellParser: shellParserWithCodeCache,
    });
  } finally {
    // Our own log is closed (synced, lock released) before the answer; an injected one belongs to
    // the caller. A failed close rejects, and the hook blocks.
    if (!dependencies.evidenceSink) await evidenceSink?.close();
  }
}

/**
 * `cavra-runtime hook <agent> [--project DIR] [--policy-pack ID] [--policy-dir DIR | --policy FILE]
 * [--registry FILE] [--evidence-log FILE [--evidence-fsync P] [--evidence-signing-key FILE |
 * --evidence-hmac-key FILE] [--evidence-recover-torn]] [--explicit-allow] [--timeout-ms N]`: reads one
 * pre-tool-use event on stdin and answers in the agent's hook protocol. Every failure, a
 * timeout included, is the agent's blocking answer.
 */
export async function hookCommand(
  argv: readonly string[],
  io: CliIo,
  dependencies: HookCommandDependencies = {},
): Promise<number> {
  const [agent, ...rest] = argv;
  if (agent === undefined || !isHookAgent(agent)) {
    throw new CavraError('usage', `usage: cavra-runtime hook <agent> [options]; agents: ${HOOK_AGENTS.join(', ')}`);
  }
  const adapter = AGENT_ADAPTERS[agent];
  let timer: NodeJS.Timeout | undefined;
  try {
    const flags = parseArgs(rest, HOOK_FLAGS);
    if (flags.positionals.length > 0) throw new CavraError('usage', `unexpected argument: ${flags.positionals[0] as string}`);
    const timeoutMs = timeoutOf(flags);
    const deadline = performance.now() + timeoutMs;
    const timedOut = new Promise<HookAnswer>((done) => {
      timer = setTimeout(() => {
        // An agent that never closes stdin must not keep this process alive after the answer.
        (io.stdin as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
        done(adapter.failClosed(failureMessage(new CavraError('hook_timeout', `no decision within ${timeoutMs} ms`)), undefined));
      }, timeoutMs);
    });
    return write(io, await Promise.race([decide(agent, flags, io, dependencies, deadline), timedOut]));
  } catch (error) {
    return write(io, adapter.failClosed(failureMessage(error), undefined));
  } finally {
    clearTimeout(timer);
  }
}
