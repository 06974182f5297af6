import type { AddressInfo } from 'node:net';
import type { EvidenceSink } from '@cavra/evidence';
import { createDecisionService, type DecisionService } from './answer.js';
import { HttpServer, type HookHandler, type HttpLimits } from './http-server.js';
import { ServerMetrics } from './metrics.js';
import { PolicyHolder, type PolicyDigester, type PolicyLoader, type PolicyStatus, type ReloadResult } from './policy-state.js';
import { SocketServer } from './socket-server.js';
import { PolicyWatch } from './watch.js';

export interface CavraServerOptions {
  /** Builds and validates the policy (at start and on every reload). */
  loadPolicy: PolicyLoader;
  /** The digest of the current policy sources, to skip reloads when nothing changed (watch/poll). */
  digestPolicy: PolicyDigester;
  /** Unix socket path (JSON Lines protocol). */
  socketPath?: string;
  /** HTTP address; must be loopback unless `allowRemote` (checked by the caller's option parsing too). */
  http?: { host: string; port: number; token?: string; limits?: Partial<HttpLimits> };
  /** Every decision is appended here, and its reference added to the decision's `evidence_refs`. */
  evidenceSink?: EvidenceSink;
  /** `POST /v1/hooks/<agent>` handlers by agent name (the integrator wires `@cavra/hooks`). */
  hooks?: Readonly<Record<string, HookHandler>>;
  /** Watch the policy sources and reload on change. Default true. */
  watch?: boolean | { debounceMs?: number; pollMs?: number };
  /** Told about every reload (logging). */
  onReload?: (result: ReloadResult) => void;
}

export interface CavraServer {
  readonly metrics: ServerMetrics;
  readonly service: DecisionService;
  /** Where HTTP listens (after `start`). */
  readonly httpAddress: AddressInfo | undefined;
  start(): Promise<void>;
  /** Validates and swaps in the policy from its sources now (SIGHUP). */
  reload(): ReloadResult;
  status(): PolicyStatus;
  /** Graceful stop: stop accepting, answer what was read, flush the evidence sink, remove the socket. */
  close(): Promise<void>;
}

/** A resident decision server over a Unix socket and/or loopback HTTP. */
export function createCavraServer(options: CavraServerOptions): CavraServer {
  const metrics = new ServerMetrics();
  const policy = new PolicyHolder(options.loadPolicy, undefined, (result) => {
    metrics.reloads.inc({ result: result.ok ? 'ok' : 'failed' });
    options.onReload?.(result);
  });
  const service = createDecisionService(policy, metrics, options.evidenceSink);
  const socket = options.socketPath !== undefined ? new SocketServer({ path: options.socketPath, service }) : undefined;
  const http = options.http
    ? new HttpServer({
        host: options.http.host,
        port: options.http.port,
        service,
        policy,
        metrics,
        ...(options.http.token !== undefined ? { token: options.http.token } : {}),
        ...(options.http.limits ? { limits: options.http.limits } : {}),
        ...(options.hooks ? { hooks: options.hooks } : {}),
      })
    : undefined;
  let watcher: PolicyWatch | undefined;
  let closing: Promise<void> | undefined;

  const reloadIfChanged = (): void => {
    // A failed reload is retried only when the sources change again (no refusal every poll).
    const digest = safeDigest(options.digestPolicy);
    if (digest !== undefined && digest === lastSeenDigest) return;
    lastSeenDigest = digest;
    if (digest !== undefined && digest === policy.current.digest) return;
    policy.reload();
  };
  let lastSeenDigest: string | undefined = policy.current.digest;

  return {
    metrics,
    service,
    get httpAddress() {
      return http?.address;
    },
    async start() {
      if (socket) await socket.listen();
      if (http) {
        try {
          await http.listen();
        } catch (error) {
          await socket?.close();
          throw error;
        }
      }
      const watchOption = options.watch ?? true;
      if (watchOption !== false) {
        const tuning = typeof watchOption === 'object' ? watchOption : {};
        watcher = new PolicyWatch({ paths: policy.current.watchPaths, onChange: reloadIfChanged, ...tuning });
      }
    },
    reload: () => {
      const result = policy.reload();
      lastSeenDigest = safeDigest(options.digestPolicy);
      return result;
    },
    status: () => policy.status(),
    close() {
      closing ??= (async () => {
        watcher?.close();
        await Promise.all([socket?.close(), http?.close()]);
        await options.evidenceSink?.close();
      })();
      return closing;
    },
  };
}

function safeDigest(digest: PolicyDigester): string | undefined {
  try {
    return digest();
  } catch {
    return undefined; // unreadable right now (mid-write): the reload will report it
  }
}
