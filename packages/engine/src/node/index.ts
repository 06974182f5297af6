// Node-only parts of @cavra/engine (worker threads), kept apart from the engine's root export.
export { BatchWorkerPool, BatchWorkerStopped, type BatchWorkerPoolOptions } from './batch-pool.js';
export { OVERSIZE_LINE, type BatchBlock, type BatchWorkerData, type BlockAnswer } from './batch-protocol.js';
export { TEST_WORKER_CRASH_AFTER_ENV, serveBatchWorker } from './batch-worker.js';
export { engineOptionsOf, packDirectoryOf, type DecisionEngineSpec } from './engine-spec.js';
export { runPooledBatch, type PooledBatchOptions, type PooledBatchResult } from './pooled-batch.js';

/**
 * The worker entry file of this package's build (for `BatchWorkerPoolOptions.script`). A function,
 * not a constant: inlined into a CommonJS bundle there is no `import.meta.url`, and a bundle
 * ships an entry of its own.
 */
export const builtBatchWorkerEntry = (): URL => new URL('./batch-worker-entry.js', import.meta.url);
