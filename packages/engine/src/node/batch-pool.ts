import { Worker } from 'node:worker_threads';
import { errorPayload } from '../batch/request-text.js';
import type { BatchBlock, BatchWorkerData, BlockAnswer, WorkerReady } from './batch-protocol.js';
import type { DecisionEngineSpec } from './engine-spec.js';

export interface BatchWorkerPoolOptions {
  /** How many worker threads (at least 1). */
  workers: number;
  /** The engine every worker builds. */
  spec: DecisionEngineSpec;
  /** The worker entry file: one that calls `serveBatchWorker()` (a bundle ships its own). */
  script: string | URL;
  /** The workers' environment (default: this process's). */
  env?: Readonly<Record<string, string | undefined>>;
  execArgv?: string[];
}

/** A worker stopped (crashed, or exited) with blocks not answered: those lines get code `internal`. */
export class BatchWorkerStopped extends Error {
  override readonly name = 'BatchWorkerStopped';
}

interface WorkerSlot {
  readonly index: number;
  readonly worker: Worker;
  alive: boolean;
  /** Its engine is built (its first message). */
  ready: boolean;
  /** Resolves when it is ready or has stopped. */
  readonly settled: Promise<void>;
  settle: () => void;
  readonly pending: Map<number, { lines: number; resolve: (answer: BlockAnswer) => void }>;
}

/**
 * N worker threads that answer blocks of batch lines (see `runPooledBatch`). Fail closed: a
 * worker that stops before answering a block never loses its lines: each line of each block it
 * held is answered `{"error": {"code": "internal", ...}}` (counted as an internal fault, so the
 * run's exit status is 1), and later blocks go to the workers still running.
 */
export class BatchWorkerPool {
  readonly size: number;
  /** Workers that stopped before `close()`. */
  stoppedWorkers = 0;
  private readonly slots: WorkerSlot[];
  private closing = false;
  private turn = 0;

  constructor(options: BatchWorkerPoolOptions) {
    if (!Number.isInteger(options.workers) || options.workers < 1) {
      throw new RangeError(`a batch worker pool needs at least one worker, got ${options.workers}`);
    }
    this.size = options.workers;
    const workerData: BatchWorkerData = { spec: options.spec };
    this.slots = Array.from({ length: options.workers }, (_, index) => {
      const worker = new Worker(options.script, {
        workerData,
        ...(options.env !== undefined ? { env: { ...options.env } } : {}),
        ...(options.execArgv !== undefined ? { execArgv: options.execArgv } : {}),
      });
      let settle = (): void => undefined;
      const settled = new Promise<void>((resolve) => (settle = resolve));
      const slot: WorkerSlot = { index, worker, alive: true, ready: false, settled, settle, pending: new Map() };
      worker.on('message', (message: BlockAnswer | WorkerReady) => {
        if ('ready' in message) {
          slot.ready = true;
          slot.settle();
          return;
        }
        const answer = message;
        const entry = slot.pending.get(answer.id);
        if (!entry) return;
        slot.pending.delete(answer.id);
        entry.resolve(answer);
      });
      worker.on('error', (error) => this.stopped(slot, `batch worker ${index} failed: ${error.message}`));
      worker.on('messageerror', (error) => this.stopped(slot, `batch worker ${index} sent an unreadable message: ${error.message}`));
      worker.on('exit', (code) => this.stopped(slot, `batch worker ${index} exited with status ${code}`));
      return slot;
    });
  }

  /** Resolves once every worker is ready or has stopped (tests, benchmarks). */
  async ready(): Promise<void> {
    await Promise.all(this.slots.map((slot) => slot.settled));
  }

  /** Workers still running. */
  get alive(): number {
    let alive = 0;
    for (const slot of this.slots) if (slot.alive) alive++;
    return alive;
  }

  /**
   * The answers to `block`, from the running worker with the fewest blocks pending. Never
   * rejects: if the worker stops first (or none is running), each line is an `internal` error.
   * The block's buffers are transferred to the worker: do not use them afterwards.
   */
  decide(block: BatchBlock): Promise<BlockAnswer> {
    const slot = this.pick();
    if (!slot) return Promise.resolve(stoppedAnswer(block.id, block.lines, 'no batch worker is running'));
    return this.send(slot, block);
  }

  private send(slot: WorkerSlot, block: BatchBlock): Promise<BlockAnswer> {
    return new Promise<BlockAnswer>((resolve) => {
      slot.pending.set(block.id, { lines: block.lines, resolve });
      try {
        slot.worker.postMessage(block, [block.bytes.buffer, block.lengths.buffer]);
      } catch (error) {
        this.stopped(slot, `batch worker ${slot.index} could not be sent a block: ${(error as Error).message}`);
      }
    });
  }

  /**
   * Like `decide`, but only to a worker that is ready and has fewer than `maxPending` blocks
   * pending; `undefined` when there is none (the caller answers the block itself).
   */
  tryDecide(block: BatchBlock, maxPending: number): Promise<BlockAnswer> | undefined {
    const slot = this.pick();
    if (!slot?.ready || slot.pending.size >= maxPending) return undefined;
    return this.send(slot, block);
  }

  /** Stops every worker. Blocks still pending are answered as stopped (the caller has waited for them first). */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
    for (const slot of this.slots) this.stopped(slot, 'the batch worker pool was closed');
  }

  private pick(): WorkerSlot | undefined {
    let best: WorkerSlot | undefined;
    for (let step = 0; step < this.slots.length; step++) {
      const slot = this.slots[(this.turn + step) % this.slots.length] as WorkerSlot;
      if (!slot.alive) continue;
      if (!best || (slot.ready && !best.ready) || (slot.ready === best.ready && slot.pending.size < best.pending.size)) best = slot;
    }
    this.turn = (this.turn + 1) % this.slots.length;
    return best;
  }

  private stopped(slot: WorkerSlot, reason: string): void {
    slot.settle();
    if (slot.alive) {
      slot.alive = false;
      if (!this.closing) this.stoppedWorkers++;
      // An error is followed by an exit; a worker that only errored may still be running.
      void slot.worker.terminate();
    }
    for (const [id, entry] of slot.pending) entry.resolve(stoppedAnswer(id, entry.lines, reason));
    slot.pending.clear();
  }
}

/** `lines` answers of code `internal` for a block whose worker stopped. */
function stoppedAnswer(id: number, lines: number, reason: string): BlockAnswer {
  const line = `${JSON.stringify(errorPayload(new BatchWorkerStopped(reason)))}\n`;
  return { id, out: Buffer.from(line.repeat(lines)), lines, internalFaults: lines };
}
