export {
  createDecisionEngine,
  parseActionRequest,
  type DecisionEngine,
  type DecisionEngineOptions,
} from './engine.js';
export {
  BatchStream,
  LineSplitter,
  MAX_REQUEST_BYTES,
  decodeRequestUtf8,
  engineAnswerer,
  errorPayload,
  parseRequestJson,
  requestTooLarge,
  runBatch,
  type BatchWrite,
  type ErrorPayload,
  type LineHandler,
  type RequestAnswerer,
} from './batch/index.js';
