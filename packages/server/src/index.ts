export { createDecisionService, type DecisionService } from './answer.js';
export {
  DEFAULT_HTTP_LIMITS,
  HttpServer,
  type HookContext,
  type HookHandler,
  type HookResponse,
  type HttpLimits,
  type HttpServerOptions,
} from './http-server.js';
export { ServerMetrics } from './metrics.js';
export {
  PolicyHolder,
  type LoadedPolicy,
  type PolicyDigester,
  type PolicyLoader,
  type PolicyStatus,
  type ReloadResult,
} from './policy-state.js';
export { DecisionFastPath, INCOMPLETE, NOT_FAST, parseFastHead, type FastPathOptions, type FastRequest, type FastResponse } from './http-fast-path.js';
export { createCavraServer, type CavraServer, type CavraServerOptions } from './server.js';
export { serveUntilSignalled, type SignalOptions } from './signals.js';
export { SocketServer, socketAnswers, type SocketServerOptions } from './socket-server.js';
export { PolicyWatch, type PolicyWatchOptions } from './watch.js';
export { isLoopbackHost, parseListenAddress, type ListenAddress } from './listen-address.js';
