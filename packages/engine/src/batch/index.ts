export { LineSplitter, type LineHandler } from './line-splitter.js';
export { AnswerSlab } from './answer-slab.js';
export { LineAnswerer, answerLine, engineAnswerer, textAnswerer, type RequestAnswerer } from './line-answerer.js';
export { BatchStream, runBatch, type BatchWrite } from './batch-stream.js';
export {
  MAX_REQUEST_BYTES,
  decodeRequestUtf8,
  errorPayload,
  parseRequestJson,
  requestTooLarge,
  type ErrorPayload,
} from './request-text.js';
