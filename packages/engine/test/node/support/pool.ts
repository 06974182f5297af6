import { BatchWorkerPool, type BatchWorkerPoolOptions, type DecisionEngineSpec } from '@cavra/engine/node';

/** The worker entry from sources (tsx), for pools started by tests. */
export const SOURCE_WORKER = new URL('./source-batch-worker.mjs', import.meta.url);

/** A pool whose workers run the sources; `execArgv: []` keeps vitest's own flags out of them. */
export const sourcePool = (workers: number, spec: DecisionEngineSpec = {}, extra: Partial<BatchWorkerPoolOptions> = {}): BatchWorkerPool =>
  new BatchWorkerPool({ workers, spec, script: SOURCE_WORKER, execArgv: [], ...extra });

/**
 * A decision line with its four volatile fields (ids, timestamp, evidence reference) replaced,
 * so two runs compare equal byte for byte otherwise.
 */
export const withoutVolatileFields = (text: string): string =>
  text
    .replace(/"decision_id":"[^"]*"/g, '"decision_id":"-"')
    .replace(/"correlation_id":"[^"]*"/g, '"correlation_id":"-"')
    .replace(/"timestamp":"[^"]*"/g, '"timestamp":"-"')
    .replace(/"evidence_refs":\["[^"]*"\]/g, '"evidence_refs":["-"]');
