import { AnswerSlab } from './answer-slab.js';
import { LineAnswerer, type RequestAnswerer } from './line-answerer.js';
import { LineSplitter } from './line-splitter.js';
import { MAX_REQUEST_BYTES } from './request-text.js';

/**
 * The batch path shared by `--batch`, the server's socket and `POST /v1/decisions:batch`:
 * JSON Lines in, exactly one compact answer line out per input line, in order. A bad line gets
 * `{"error": {...}}` in its place (a blank line too); a line over the limit gets
 * `request_too_large` without being buffered whole; a fault of ours gets code `internal` and the
 * stream goes on. Each `push` returns the answers for the lines that chunk completed as one
 * buffer (or `undefined` when it completed none); the buffer stays valid after later pushes.
 * (What each line gets is `LineAnswerer`'s, shared with the batch worker pool.)
 */
export class BatchStream {
  private readonly answers: LineAnswerer;
  private readonly slab = new AnswerSlab();
  private readonly splitter: LineSplitter;

  constructor(
    answer: RequestAnswerer,
    maxLineBytes: number = MAX_REQUEST_BYTES,
    /** Told about every line answered with an error (metrics). */
    onError: (error: unknown) => void = () => undefined,
  ) {
    const answers = (this.answers = new LineAnswerer(answer, onError));
    const slab = this.slab;
    this.splitter = new LineSplitter(
      {
        line: (bytes, start, end) => answers.line(bytes, start, end, slab),
        oversize: () => answers.oversize(slab),
      },
      maxLineBytes,
    );
  }

  /** Lines answered with code `internal` so far. */
  get internalFaults(): number {
    return this.answers.internalFaults;
  }

  /** Lines answered so far. */
  get answered(): number {
    return this.answers.answered;
  }

  push(chunk: Buffer): Buffer | undefined {
    this.splitter.push(chunk);
    return this.slab.take();
  }

  end(): Buffer | undefined {
    this.splitter.end();
    return this.slab.take();
  }

  /** True while a line has been started but not finished. */
  get pending(): boolean {
    return this.splitter.pending;
  }
}

/** Where a batch's output goes; resolves when it may take more (backpressure). */
export type BatchWrite = (bytes: Buffer) => void | Promise<void>;

/**
 * Runs a whole batch: reads `input` chunk by chunk, writes each chunk's answers as one buffer,
 * waiting on `write` (backpressure). Returns the number of lines answered with an internal fault.
 */
export async function runBatch(
  input: AsyncIterable<Buffer | string>,
  answer: RequestAnswerer,
  write: BatchWrite,
  options: { maxLineBytes?: number; onError?: (error: unknown) => void } = {},
): Promise<{ answered: number; internalFaults: number }> {
  const stream = new BatchStream(answer, options.maxLineBytes, options.onError);
  for await (const chunk of input) {
    const out = stream.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    if (out) await write(out);
  }
  const out = stream.end();
  if (out) await write(out);
  return { answered: stream.answered, internalFaults: stream.internalFaults };
}
