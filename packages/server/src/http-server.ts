import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { CavraError } from '@cavra/policy-model';
import type { DecisionEngine } from '@cavra/engine';
import {
  BatchStream,
  MAX_REQUEST_BYTES,
  decodeRequestUtf8,
  errorPayload,
  parseRequestJson,
  requestTooLarge,
} from '@cavra/engine';
import type { DecisionService } from './answer.js';
import { DecisionFastPath, type FastResponse } from './http-fast-path.js';
import type { ServerMetrics } from './metrics.js';
import type { PolicyHolder } from './policy-state.js';

/** What an agent hook handler answers (the hook protocol's own status and body). */
export interface HookResponse {
  status: number;
  body: string;
  contentType?: string;
}

/** Context a hook handler decides through: the server's serving policy, evidence and metrics. */
export interface HookContext {
  decide: DecisionEngine['decide'];
}

/** `POST /v1/hooks/<agent>`: turns one agent hook event into that agent's answer. */
export type HookHandler = (event: unknown, context: HookContext) => HookResponse | Promise<HookResponse>;

export interface HttpLimits {
  /** Largest body of `/v1/decisions` and `/v1/hooks/*` (bytes; 413 above). Default 1 MiB. */
  maxBodyBytes: number;
  /** Requests being answered at once; more get 503. Default 256. */
  maxConcurrentRequests: number;
  /** Time to receive the complete headers (ms). Default 5,000. */
  headersTimeoutMs: number;
  /** Time to receive the complete request (ms). Default 60,000. */
  requestTimeoutMs: number;
  /** Idle time of a keep-alive connection between requests (ms). Default 5,000. */
  keepAliveTimeoutMs: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  maxBodyBytes: MAX_REQUEST_BYTES,
  maxConcurrentRequests: 256,
  headersTimeoutMs: 5_000,
  requestTimeoutMs: 60_000,
  keepAliveTimeoutMs: 5_000,
};

export interface HttpServerOptions {
  host: string;
  port: number;
  service: DecisionService;
  policy: PolicyHolder;
  metrics: ServerMetrics;
  limits?: Partial<HttpLimits>;
  /** Bearer token every request but `GET /healthz` must carry. */
  token?: string;
  hooks?: Readonly<Record<string, HookHandler>>;
  /**
   * Answer well-formed keep-alive `POST /v1/decisions` requests without Node's per-request HTTP
   * objects (see `DecisionFastPath`); everything else goes through Node's server. Default true.
   */
  fastPath?: boolean;
}

const JSON_TYPE = 'application/json';
const NDJSON_TYPE = 'application/x-ndjson';

const digestOf = (text: string): Buffer => createHash('sha256').update(text).digest();

/** HTTP status for an error answered to one request. */
function statusFor(error: unknown): number {
  if (!(error instanceof CavraError)) return 500;
  switch (error.code) {
    case 'request_too_large':
      return 413;
    case 'not_found':
      return 404;
    case 'unauthorized':
      return 401;
    case 'evidence_unavailable':
    case 'server_unavailable':
      return 503;
    case 'internal':
      return 500;
    default:
      return 400;
  }
}

/**
 * Loopback HTTP: `POST /v1/decisions`, `POST /v1/decisions:batch` (JSON Lines, streamed),
 * `POST /v1/hooks/<agent>`, `GET /healthz`, `GET /readyz`, `GET /metrics`. Hardened: body limit,
 * header/request/keep-alive timeouts, bounded concurrency, optional bearer token.
 */
export class HttpServer {
  private readonly server: Server;
  private readonly limits: HttpLimits;
  private readonly tokenDigest: Buffer | undefined;
  private readonly fastPath: DecisionFastPath | undefined;
  private inFlight = 0;
  /** Connections whose last answer said `Connection: close`. */
  private readonly closedConnections = new WeakSet<object>();
  private closing = false;

  constructor(private readonly options: HttpServerOptions) {
    this.limits = { ...DEFAULT_HTTP_LIMITS, ...options.limits };
    this.tokenDigest = options.token !== undefined ? digestOf(options.token) : undefined;
    this.server = createServer(
      {
        headersTimeout: this.limits.headersTimeoutMs,
        requestTimeout: this.limits.requestTimeoutMs,
        keepAliveTimeout: this.limits.keepAliveTimeoutMs,
        // The header and request timeouts are enforced on this tick (Node's default is 30 s).
        connectionsCheckingInterval: Math.min(1000, this.limits.headersTimeoutMs),
      },
      (req, res) => void this.handle(req, res),
    );
    if (options.fastPath ?? true) {
      // Node's own connection handling, kept to be given the connections the fast path hands off.
      const nodeConnectionListeners = this.server.listeners('connection') as ((socket: Socket) => void)[];
      const fastPath = new DecisionFastPath({
        maxBodyBytes: this.limits.maxBodyBytes,
        keepAliveTimeoutMs: this.limits.keepAliveTimeoutMs,
        partialRequestTimeoutMs: this.limits.headersTimeoutMs,
        closing: () => this.closing,
        // Refusals (401 with WWW-Authenticate, 503 with Retry-After) are Node's server's to answer.
        answer: (request) =>
          (this.tokenDigest && !this.tokenMatches(request.authorization)) ||
          this.inFlight >= this.limits.maxConcurrentRequests
            ? undefined
            : this.decisionAnswer(request.body),
        handOff: (socket) => {
          for (const listener of nodeConnectionListeners) listener.call(this.server, socket);
        },
      });
      this.server.removeAllListeners('connection');
      this.server.on('connection', (socket: Socket) => fastPath.adopt(socket));
      this.fastPath = fastPath;
    }
    this.server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
      const status = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
      if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      else socket.destroy();
    });
  }

  async listen(): Promise<AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', reject);
        // After listening, an accept error (EMFILE at the fd limit) must not end the process.
        this.server.on('error', () => undefined);
        resolve();
      });
    });
    return this.server.address() as AddressInfo;
  }

  /** What the fast path did (`undefined` when it is off). */
  get fastPathStats(): { readonly answered: number; readonly handedOff: number } | undefined {
    return this.fastPath?.stats;
  }

  get address(): AddressInfo {
    return this.server.address() as AddressInfo;
  }

  /** Stops accepting; requests in progress are answered (with `Connection: close`); idle keep-alive connections close. */
  async close(graceMs = 5000): Promise<void> {
    this.closing = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    this.fastPath?.closeAll();
    const grace = setTimeout(() => {
      this.server.closeAllConnections();
      this.fastPath?.destroyAll();
    }, graceMs);
    await closed;
    clearTimeout(grace);
  }

  private authorized(req: IncomingMessage): boolean {
    return !this.tokenDigest || this.tokenMatches(req.headers.authorization);
  }

  private tokenMatches(header: string | undefined): boolean {
    const presented = header?.startsWith('Bearer ') ? header.slice(7) : '';
    // Compare digests of equal length in constant time (no early exit on the first difference).
    return this.tokenDigest !== undefined && timingSafeEqual(digestOf(presented), this.tokenDigest);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Node still parses and hands over requests pipelined after an answer that closes the
    // connection, though their answers can never be sent: they are not decided (nor recorded).
    if (this.closedConnections.has(req.socket)) {
      req.resume();
      return;
    }
    if (this.closing) res.setHeader('Connection', 'close');
    const url = req.url ?? '/';
    const path = url.split('?', 1)[0] as string;
    if (req.method === 'GET' && path === '/healthz') return this.send(res, 200, JSON_TYPE, '{"status":"ok"}\n');
    if (!this.authorized(req)) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      return this.sendError(req, res, new CavraError('unauthorized', 'a valid bearer token is required'));
    }
    if (this.inFlight >= this.limits.maxConcurrentRequests) {
      res.setHeader('Retry-After', '1');
      return this.sendError(req, res, new CavraError('server_unavailable', 'too many requests in progress'));
    }
    this.inFlight++;
    try {
      if (req.method === 'GET' && path === '/readyz') return this.readyz(res);
      if (req.method === 'GET' && path === '/metrics') {
        return this.send(res, 200, this.options.metrics.contentType, await this.options.metrics.text());
      }
      if (req.method === 'POST' && path === '/v1/decisions') return await this.decision(req, res);
      if (req.method === 'POST' && path === '/v1/decisions:batch') return await this.batch(req, res);
      if (req.method === 'POST' && path.startsWith('/v1/hooks/')) {
        return await this.hook(req, res, decodeURIComponent(path.slice('/v1/hooks/'.length)));
      }
      return this.sendError(req, res, new CavraError('not_found', `no such endpoint: ${req.method ?? ''} ${path}`));
    } catch (error) {
      return this.sendError(req, res, error);
    } finally {
      this.inFlight--;
    }
  }

  private readyz(res: ServerResponse): void {
    const status = this.options.policy.status();
    const body = {
      status: 'ready',
      policy_digest: status.digest,
      loaded_at: status.loadedAt,
      last_reload_error: status.lastReloadError,
      reloads: status.reloads,
    };
    this.send(res, 200, JSON_TYPE, `${JSON.stringify(body)}\n`);
  }

  /** The whole body, refusing (413) more than the limit without holding it. */
  private readBody(req: IncomingMessage): Promise<Buffer> {
    const limit = this.limits.maxBodyBytes;
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (declared > limit) return Promise.reject(requestTooLarge('request body', limit));
    // Events rather than `for await`: the async iterator costs more than the decision here.
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const onData = (chunk: Buffer): void => {
        size += chunk.length;
        if (size > limit) {
          req.off('data', onData);
          req.off('end', onEnd);
          req.pause();
          reject(requestTooLarge('request body', limit));
          return;
        }
        chunks.push(chunk);
      };
      const onEnd = (): void => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks));
      req.on('data', onData);
      req.once('end', onEnd);
      req.once('error', reject);
    });
  }

  private async readJson(req: IncomingMessage): Promise<unknown> {
    const body = await this.readBody(req);
    return parseRequestJson(decodeRequestUtf8(body, 0, body.length));
  }

  /** The answer to one `/v1/decisions` body, on either path: the decision line, or the error (counted). */
  private decisionAnswer(body: Buffer): FastResponse {
    try {
      const request = parseRequestJson(decodeRequestUtf8(body, 0, body.length));
      return { status: 200, body: `${this.options.service.line(request)}\n` };
    } catch (error) {
      this.options.service.countError(error);
      return { status: statusFor(error), body: `${JSON.stringify(errorPayload(error))}\n` };
    }
  }

  private async decision(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const answer = this.decisionAnswer(await this.readBody(req));
    this.send(res, answer.status, JSON_TYPE, answer.body);
  }

  private async batch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { service } = this.options;
    const stream = new BatchStream(service.answer, this.limits.maxBodyBytes, service.countError);
    res.writeHead(200, { 'Content-Type': NDJSON_TYPE });
    const write = async (bytes: Buffer | undefined): Promise<void> => {
      if (bytes && !res.write(bytes)) await new Promise<void>((done) => res.once('drain', done));
    };
    for await (const chunk of req as AsyncIterable<Buffer>) await write(stream.push(chunk));
    await write(stream.end());
    res.end();
  }

  private async hook(req: IncomingMessage, res: ServerResponse, agent: string): Promise<void> {
    const handler = Object.hasOwn(this.options.hooks ?? {}, agent) ? this.options.hooks?.[agent] : undefined;
    if (!handler) {
      req.resume();
      return this.sendError(req, res, new CavraError('not_found', `no hook handler for agent '${agent}'`));
    }
    const event = await this.readJson(req);
    const answer = await handler(event, { decide: (request) => this.options.service.decide(request) });
    this.send(res, answer.status, answer.contentType ?? JSON_TYPE, answer.body);
  }

  private sendError(req: IncomingMessage, res: ServerResponse, error: unknown): void {
    this.options.service.countError(error);
    if (res.headersSent) {
      // A streamed batch that failed mid-way: cut it off rather than end it as if complete.
      res.destroy();
      return;
    }
    // An unread body would be parsed as the next request on this connection: close it instead.
    if (!req.complete) res.setHeader('Connection', 'close');
    this.send(res, statusFor(error), JSON_TYPE, `${JSON.stringify(errorPayload(error))}\n`);
  }

  private send(res: ServerResponse, status: number, type: string, body: string): void {
    res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
    if (!res.shouldKeepAlive || res.getHeader('connection') === 'close') this.closedConnections.add(res.req.socket);
  }
}
