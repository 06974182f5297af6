export { LineSplitter, type LineHandler } from './line-splitter.js';
export {
  BatchStream,
  answerLine,
  engineAnswerer,
  runBatch,
  type BatchWrite,
  type RequestAnswerer,
} from './batch-stream.js';
export {
  MAX_REQUEST_BYTES,
  decodeRequestUtf8,
  errorPayload,
  parseRequestJson,
  requestTooLarge,
  type ErrorPayload,
} from './request-text.js';
