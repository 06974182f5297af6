export { decisionJson } from './serialize.js';
export { createDecisionEnveloper, evidenceRef, type EnvelopeOptions } from './envelope.js';
export { newCorrelationId, newDecisionId, pooledRandomBytes, type RandomBytes } from './identifiers.js';
export { pythonUtcIsoformat, systemMicrosecondClock, type MicrosecondClock } from './timestamp.js';
export * from './signing/index.js';
