import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CavraError } from '@cavra/policy-model';
import { resolvePackSource } from '@cavra/policy-model/node';
import type { DecisionEngine } from '@cavra/engine';
import {
  createCavraServer,
  isLoopbackHost,
  parseListenAddress,
  serveUntilSignalled,
  type LoadedPolicy,
  type ReloadResult,
} from '@cavra/server';
import { booleanFlag, parseArgs, stringFlag, stringsFlag, type ParsedArgs } from '../args.js';
import { EXIT_OK } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { engineFrom } from './decide.js';
import { EVIDENCE_LOG_FLAGS, openEvidenceLogFromFlags } from '../evidence-log-option.js';
import { HOOK_AGENTS, runHook } from '@cavra/hooks';
import type { HookHandler } from '@cavra/server';

/**
 * `POST /v1/hooks/<agent>`: the agents' hook protocols over HTTP, decided with the serving policy
 * (paths are judged lexically: the server does not resolve an agent's files). A JSON answer is
 * the response body; an answer that only has a blocking exit status (no JSON form) becomes a 500
 * with the reason. An agent that cannot reach the server, or treats a 5xx as "no objection", lets
 * the tool run: the command hook (`cavra-runtime hook`) stays the fail-closed path.
 */
const hookHandlers: Readonly<Record<string, HookHandler>> = Object.fromEntries(
  HOOK_AGENTS.map((agent): [string, HookHandler] => [
    agent,
    async (event, context) => {
      const answer = await runHook({
        agent,
        eventText: JSON.stringify(event),
        loadEngine: () => ({ decide: (request) => context.decide(request) }),
        cwd: process.cwd(),
      });
      if (answer.stdout !== '') return { status: 200, body: answer.stdout };
      if (answer.exitCode === 0) return { status: 200, body: '{}\n' };
      return {
        status: 500,
        body: `${JSON.stringify({ error: { code: 'hook_blocked', message: answer.stderr.trim() } })}\n`,
      };
    },
  ]),
);

export const SERVE_FLAGS = {
  socket: 'string',
  listen: 'string',
  'allow-remote': 'boolean',
  'token-file': 'string',
  policy: 'string',
  'policy-dir': 'string',
  'policy-pack': 'strings',
  registry: 'string',
  ...EVIDENCE_LOG_FLAGS,
  pid: 'string',
  'no-watch': 'boolean',
  'poll-ms': 'string',
  'max-concurrency': 'string',
} as const;

export const SERVE_USAGE =
  'usage: cavra-runtime serve [--socket PATH] [--listen 127.0.0.1:PORT [--allow-remote --token-file FILE]] ' +
  '[--policy FILE | --policy-dir DIR] [--policy-pack ID]... [--registry FILE] [--pid FILE] [--no-watch] [--poll-ms N]';

/** A request that makes the engine load the pack `label` (or the default pack). */
const probeRequest = (label: string | undefined): Record<string, string> => ({
  action_type: 'read_file',
  target: 'README.md',
  ...(label !== undefined ? { policy_pack: label } : {}),
});

/** The policy sources named by the options: what the digest covers and the watch follows. */
function policySources(flags: ParsedArgs, io: CliIo): { digest: () => string; watchPaths: string[] } {
  const files = [stringFlag(flags, 'policy'), stringFlag(flags, 'registry')]
    .filter((file): file is string => file !== undefined)
    .map((file) => resolve(io.cwd, file));
  const digest = (): string => {
    const hash = createHash('sha256');
    const part = (name: string, bytes: Buffer | string): void => {
      hash.update(`${name}\0${Buffer.byteLength(bytes)}\0`).update(bytes);
    };
    for (const file of files) {
      try {
        part(file, readFileSync(file));
      } catch (error) {
        part(file, `unreadable: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
      }
    }
    const packs = resolvePackSource({ policyDir: stringFlag(flags, 'policy-dir'), env: io.env, cwd: io.cwd });
    part('packs', packs.root);
    for (const id of packs.listPackIds()) {
      try {
        part(id, packs.readPackText(id));
      } catch (error) {
        part(id, `unreadable: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return hash.digest('hex');
  };
  const packs = resolvePackSource({ policyDir: stringFlag(flags, 'policy-dir'), env: io.env, cwd: io.cwd });
  const watchPaths = [...files];
  if (packs.root !== 'bundled') {
    watchPaths.push(packs.root, ...packs.listPackIds().flatMap((id) => [join(packs.root, id), join(packs.root, id, 'policy.yaml')]));
  }
  return { digest, watchPaths };
}

/**
 * Loads the engine exactly as the decision command does, then loads every pack up front, so the
 * policy swapped in is complete (a request never triggers a read of newer files). The default
 * pack and every `--policy-pack` must load, else the policy is refused.
 */
function policyLoader(flags: ParsedArgs, io: CliIo, sources: { digest: () => string; watchPaths: string[] }) {
  const required = [undefined, ...stringsFlag(flags, 'policy-pack')];
  const preload = (engine: DecisionEngine): void => {
    for (const label of required) engine.decideCore(probeRequest(label));
    if (stringFlag(flags, 'policy') !== undefined) return;
    const packs = resolvePackSource({ policyDir: stringFlag(flags, 'policy-dir'), env: io.env, cwd: io.cwd });
    for (const id of packs.listPackIds()) {
      try {
        engine.decideCore(probeRequest(id));
      } catch (error) {
        if (!(error instanceof CavraError)) throw error; // a broken optional pack answers its own error
      }
    }
  };
  return (): LoadedPolicy => {
    // The sources must not change while they are read: the digest is taken before and after.
    for (let attempt = 0; attempt < 3; attempt++) {
      const before = sources.digest();
      const engine = engineFrom(flags, io);
      preload(engine);
      if (sources.digest() === before) return { engine, digest: before, watchPaths: sources.watchPaths };
    }
    throw new CavraError('policy_unreadable', 'the policy sources kept changing while they were loaded');
  };
}

const positiveInteger = (flags: ParsedArgs, name: string): number | undefined => {
  const text = stringFlag(flags, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1) throw new CavraError('usage', `--${name} needs a positive integer`);
  return value;
};

function httpOption(flags: ParsedArgs, io: CliIo) {
  const listen = stringFlag(flags, 'listen');
  const tokenFile = stringFlag(flags, 'token-file');
  if (listen === undefined) {
    if (tokenFile !== undefined || booleanFlag(flags, 'allow-remote')) {
      throw new CavraError('usage', '--token-file and --allow-remote need --listen');
    }
    return undefined;
  }
  const address = parseListenAddress(listen);
  if (!isLoopbackHost(address.host) && !(booleanFlag(flags, 'allow-remote') && tokenFile !== undefined)) {
    throw new CavraError('usage', `--listen ${listen} is not a loopback address: it needs --allow-remote and --token-file`);
  }
  let token: string | undefined;
  if (tokenFile !== undefined) {
    try {
      token = readFileSync(resolve(io.cwd, tokenFile), 'utf8').trim();
    } catch (error) {
      throw new CavraError('input_unreadable', `cannot read token file ${tokenFile}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    if (token.length < 16) throw new CavraError('usage', `token file ${tokenFile} must hold a token of at least 16 characters`);
  }
  const maxConcurrentRequests = positiveInteger(flags, 'max-concurrency');
  return {
    ...address,
    ...(token !== undefined ? { token } : {}),
    ...(maxConcurrentRequests !== undefined ? { limits: { maxConcurrentRequests } } : {}),
  };
}

const logLine = (io: CliIo, record: Record<string, unknown>): void => {
  io.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), ...record })}\n`);
};

/** `cavra-runtime serve`: a resident decision server (runs until SIGTERM/SIGINT; SIGHUP reloads). */
export async function serveCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const flags = parseArgs(argv, SERVE_FLAGS);
  if (flags.positionals.length > 0) throw new CavraError('usage', `unexpected argument: ${flags.positionals[0] as string}\n${SERVE_USAGE}`);
  const socketFlag = stringFlag(flags, 'socket');
  const http = httpOption(flags, io);
  if (socketFlag === undefined && http === undefined) throw new CavraError('usage', `serve needs --socket and/or --listen\n${SERVE_USAGE}`);
  const sources = policySources(flags, io);
  // Every decision is recorded (and its reference added to evidence_refs) before it is answered.
  const evidenceLog = openEvidenceLogFromFlags(flags, io);
  const pollMs = positiveInteger(flags, 'poll-ms');
  const server = createCavraServer({
    loadPolicy: policyLoader(flags, io, sources),
    digestPolicy: sources.digest,
    hooks: hookHandlers,
    ...(evidenceLog ? { evidenceSink: evidenceLog } : {}),
    ...(socketFlag !== undefined ? { socketPath: resolve(io.cwd, socketFlag) } : {}),
    ...(http ? { http } : {}),
    watch: booleanFlag(flags, 'no-watch') ? false : { ...(pollMs !== undefined ? { pollMs } : {}) },
    onReload: (result: ReloadResult) =>
      logLine(io, result.ok ? { event: 'reload', ok: true, policy_digest: result.digest } : { event: 'reload', ok: false, error: result.error }),
  });
  await server.start();
  const stopped = serveUntilSignalled(server, { onSignal: (signal) => logLine(io, { event: 'signal', signal }) });
  const pidFile = stringFlag(flags, 'pid');
  if (pidFile !== undefined) writeFileSync(resolve(io.cwd, pidFile), `${process.pid}\n`);
  const address = server.httpAddress;
  io.stdout.write(
    `${JSON.stringify({
      status: 'ready',
      pid: process.pid,
      socket: socketFlag !== undefined ? resolve(io.cwd, socketFlag) : null,
      http: address ? `${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}` : null,
      policy_digest: server.status().digest,
    })}\n`,
  );
  await stopped;
  if (pidFile !== undefined) rmSync(resolve(io.cwd, pidFile), { force: true });
  logLine(io, { event: 'stopped' });
  return EXIT_OK;
}
