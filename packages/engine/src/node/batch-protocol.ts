import type { AnswerSlab } from '../batch/answer-slab.js';
import type { LineAnswerer } from '../batch/line-answerer.js';
import type { DecisionEngineSpec } from './engine-spec.js';

/** What a batch worker is started with (`workerData`). */
export interface BatchWorkerData {
  spec: DecisionEngineSpec;
}

/**
 * A block of complete batch lines, as the main thread's `LineSplitter` cut them (terminators
 * removed): line `i` is the next `lengths[i]` bytes of `bytes`, or, when `lengths[i]` is -1, a
 * line over the limit whose bytes were never held. Both buffers are transferred, not copied.
 */
export interface BatchBlock {
  id: number;
  bytes: Uint8Array<ArrayBuffer>;
  lengths: Int32Array<ArrayBuffer>;
  lines: number;
}

/** `lengths[i]` of a line over the limit. */
export const OVERSIZE_LINE = -1;

/** Answers every line of `block` into `slab`, in order (in a worker, or in the main thread). */
export function answerBlock(block: BatchBlock, answers: LineAnswerer, slab: AnswerSlab): void {
  const bytes = Buffer.from(block.bytes.buffer, block.bytes.byteOffset, block.bytes.byteLength);
  let offset = 0;
  for (let i = 0; i < block.lines; i++) {
    const length = block.lengths[i] as number;
    if (length === OVERSIZE_LINE) answers.oversize(slab);
    else {
      answers.line(bytes, offset, offset + length, slab);
      offset += length;
    }
  }
}

/** A worker's answer to one block: one answer line (with its `\n`) per line of the block, in order. */
export interface BlockAnswer {
  id: number;
  out: Uint8Array<ArrayBuffer>;
  lines: number;
  /** Lines of the block answered with code `internal`. */
  internalFaults: number;
}

/** A worker's first message: its engine is built and its fallback policy prepared. */
export interface WorkerReady {
  ready: true;
}
