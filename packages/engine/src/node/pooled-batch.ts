import { AnswerSlab } from '../batch/answer-slab.js';
import type { BatchWrite } from '../batch/batch-stream.js';
import { LineAnswerer, type RequestAnswerer } from '../batch/line-answerer.js';
import { LineSplitter } from '../batch/line-splitter.js';
import { MAX_REQUEST_BYTES } from '../batch/request-text.js';
import { OVERSIZE_LINE, answerBlock, type BatchBlock } from './batch-protocol.js';
import type { BatchWorkerPool } from './batch-pool.js';

export interface PooledBatchOptions {
  /** Answers lines in this thread: before the pool is started, when no worker is free, and once every worker has stopped. */
  answer: RequestAnswerer;
  /** Starts the pool (called at most once, when the input has passed `startAfter`). */
  pool: () => BatchWorkerPool;
  /**
   * Lines are answered in this thread until this many lines or bytes have been read (checked
   * between input chunks), so a small batch never waits for a worker to start. Default: 0, 0
   * (the pool from the first line).
   */
  startAfter?: { lines: number; bytes: number };
  maxLineBytes?: number;
  /**
   * Answer blocks in flight (sent to a worker, or answered here, and not yet written), at most;
   * default 3 per deciding thread, this one included.
   */
  maxBlocksInFlight?: number;
  /**
   * This thread decides a block itself when no worker is ready with fewer than `workerQueueDepth`
   * (default 2) blocks pending: while the workers start (tens of milliseconds to load, then
   * their own JIT warm-up), and when they are all busy. Default true; false sends every
   * block to a worker (this thread decides only once every worker has stopped).
   */
  mainThreadDecides?: boolean;
  workerQueueDepth?: number;
  /** A block is sent once it holds this many bytes (default 64 KiB) or lines (default 1024). */
  blockBytes?: number;
  blockLines?: number;
}

export interface PooledBatchResult {
  answered: number;
  internalFaults: number;
  /** Whether the pool was started. */
  pooled: boolean;
  /** Blocks cut (once the pool was started), those a worker answered, and the most ever in flight at once. */
  blocks: number;
  blocksToWorkers: number;
  peakBlocksInFlight: number;
  /** The in-flight cap that applied. */
  maxBlocksInFlight: number;
}

/**
 * Answers waiting for the output: a worker's block, or lines answered here (those are counted by
 * this thread's `LineAnswerer` already, so they carry 0 lines and 0 faults to add).
 */
interface Answered {
  out: Uint8Array;
  lines: number;
  internalFaults: number;
}

const DEFAULT_BLOCK_BYTES = 64 * 1024;
const DEFAULT_BLOCK_LINES = 1024;

/** A block being filled: its buffers are fresh (never Node's shared pool), so they can be transferred. */
class BlockBuilder {
  readonly bytes: Uint8Array<ArrayBuffer>;
  readonly lengths: Int32Array<ArrayBuffer>;
  used = 0;
  lines = 0;

  constructor(bytes: number, lines: number) {
    this.bytes = new Uint8Array(bytes);
    this.lengths = new Int32Array(lines);
  }

  fits(length: number): boolean {
    return this.lines < this.lengths.length && this.used + length <= this.bytes.length;
  }

  add(bytes: Buffer, start: number, end: number): void {
    bytes.copy(this.bytes, this.used, start, end);
    this.used += end - start;
    this.lengths[this.lines++] = end - start;
  }

  addOversize(): void {
    this.lengths[this.lines++] = OVERSIZE_LINE;
  }

  build(id: number): BatchBlock {
    return { id, bytes: this.bytes.subarray(0, this.used), lengths: this.lengths.subarray(0, this.lines), lines: this.lines };
  }
}

/**
 * `runBatch` with the decisions made by worker threads: JSON Lines in, exactly one answer line
 * out per input line, in input order, each line the bytes `BatchStream` gives it. This thread
 * reads, cuts lines with the same `LineSplitter` (the line limit and `request_too_large` apply
 * here), packs complete lines into blocks, hands them to the pool, and writes the answer blocks
 * strictly in order. Memory is bounded: at most `maxBlocksInFlight` blocks are in the pool or
 * waiting to be written; beyond that, input is not read (backpressure from slow output or busy
 * workers), so what is held is that cap plus the current input chunk. Never closes the pool.
 */
export async function runPooledBatch(
  input: AsyncIterable<Buffer | string>,
  write: BatchWrite,
  options: PooledBatchOptions,
): Promise<PooledBatchResult> {
  const blockBytes = options.blockBytes ?? DEFAULT_BLOCK_BYTES;
  const blockLines = options.blockLines ?? DEFAULT_BLOCK_LINES;
  const startAfter = options.startAfter ?? { lines: 0, bytes: 0 };
  const mainThreadDecides = options.mainThreadDecides ?? true;
  const workerQueueDepth = options.workerQueueDepth ?? 2;
  const local = new LineAnswerer(options.answer);
  const slab = new AnswerSlab();
  let pool: BatchWorkerPool | undefined;
  // Before the pool starts, one buffer of answers made here may wait for the output (as in runBatch).
  let maxInFlight = options.maxBlocksInFlight ?? 1;
  const startPool = (): BatchWorkerPool => {
    const started = options.pool();
    if (options.maxBlocksInFlight === undefined) maxInFlight = 3 * (started.size + 1);
    return started;
  };
  let block: BlockBuilder | undefined;
  const ready: BatchBlock[] = [];
  let nextId = 0;
  let blocksToWorkers = 0;
  let bytesRead = 0;

  // The ordered output: one link per answer, each written after the one before it.
  let output: Promise<void> = Promise.resolve();
  let inFlight = 0;
  let peakInFlight = 0;
  let pooledLines = 0;
  let pooledFaults = 0;
  let writeFailure: { error: unknown } | undefined;
  let wake: (() => void) | undefined;
  const enqueue = (answer: Promise<Answered> | Answered): void => {
    inFlight++;
    if (inFlight > peakInFlight) peakInFlight = inFlight;
    output = output.then(async () => {
      try {
        const { out, lines, internalFaults } = await answer;
        pooledLines += lines;
        pooledFaults += internalFaults;
        if (writeFailure === undefined && out.byteLength > 0) {
          await write(Buffer.from(out.buffer, out.byteOffset, out.byteLength));
        }
      } catch (error) {
        writeFailure ??= { error };
      } finally {
        inFlight--;
        wake?.();
      }
    });
  };
  const roomInFlight = async (): Promise<void> => {
    while (inFlight >= maxInFlight && writeFailure === undefined) {
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  };

  const closeBlock = (): void => {
    if (block && block.lines > 0) ready.push(block.build(nextId++));
    block = undefined;
  };
  const blockFor = (length: number): BlockBuilder => {
    if (block && !block.fits(length)) closeBlock();
    return (block ??= new BlockBuilder(Math.max(blockBytes, length), blockLines));
  };
  const splitter = new LineSplitter(
    {
      line: (bytes, start, end) => {
        if (pool) blockFor(end - start).add(bytes, start, end);
        else local.line(bytes, start, end, slab);
      },
      oversize: () => {
        if (pool) blockFor(0).addOversize();
        else local.oversize(slab);
      },
    },
    options.maxLineBytes ?? MAX_REQUEST_BYTES,
  );

  /** A block answered here (no worker free, or none running): its buffers were never transferred. */
  const answerHere = (ready: BatchBlock): Answered => {
    answerBlock(ready, local, slab);
    return { out: slab.take() ?? new Uint8Array(0), lines: 0, internalFaults: 0 };
  };

  /** Everything this chunk produced goes out in order: the lines answered here, then the blocks. */
  const flush = async (): Promise<void> => {
    const here = slab.take();
    if (here) enqueue({ out: here, lines: 0, internalFaults: 0 });
    closeBlock();
    for (let next = ready.shift(); next !== undefined; next = ready.shift()) {
      await roomInFlight();
      if (writeFailure !== undefined) break;
      const running = pool as BatchWorkerPool;
      const sent = mainThreadDecides ? running.tryDecide(next, workerQueueDepth) : running.alive > 0 ? running.decide(next) : undefined;
      if (sent) blocksToWorkers++;
      enqueue(sent ?? answerHere(next));
    }
    ready.length = 0;
    if (pool === undefined) {
      // Lines answered here are written before more input is read (as runBatch does).
      await roomInFlight();
      if (local.answered >= startAfter.lines || bytesRead >= startAfter.bytes) pool = startPool();
    }
  };

  if (startAfter.lines <= 0 || startAfter.bytes <= 0) pool = startPool();
  for await (const chunk of input) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    bytesRead += bytes.length;
    splitter.push(bytes);
    await flush();
    if (writeFailure !== undefined) break;
  }
  if (writeFailure === undefined) {
    splitter.end();
    await flush();
  }
  await output;
  if (writeFailure !== undefined) throw writeFailure.error;
  return {
    answered: local.answered + pooledLines,
    internalFaults: local.internalFaults + pooledFaults,
    pooled: pool !== undefined,
    blocks: nextId,
    blocksToWorkers,
    peakBlocksInFlight: peakInFlight,
    maxBlocksInFlight: maxInFlight,
  };
}
