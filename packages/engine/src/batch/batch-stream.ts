import { CavraError } from '@cavra/policy-model';
import { decisionJson } from '@cavra/evidence';
import type { DecisionEngine } from '../engine.js';
import { LineSplitter } from './line-splitter.js';
import {
  MAX_REQUEST_BYTES,
  decodeRequestUtf8,
  errorPayload,
  parseRequestJson,
  requestTooLarge,
} from './request-text.js';

/**
 * Answers one parsed request with its compact decision line (without the newline). Throws a
 * `CavraError` for bad input; anything else it throws is answered as an internal fault.
 */
export type RequestAnswerer = (request: unknown) => string;

/** The plain CLI answer: the engine's 17-key decision, compact, in Python's key order. */
export const engineAnswerer =
  (engine: DecisionEngine): RequestAnswerer =>
  (request) =>
    decisionJson(engine.decide(request));

const emptyLine = (): CavraError =>
  new CavraError('invalid_request', 'empty request line', { python: 'ValueError: empty request line' });

/**
 * The batch path shared by `--batch`, the server's socket and `POST /v1/decisions:batch`:
 * JSON Lines in, exactly one compact answer line out per input line, in order. A bad line gets
 * `{"error": {...}}` in its place (a blank line too); a line over the limit gets
 * `request_too_large` without being buffered whole; a fault of ours gets code `internal` and the
 * stream goes on. Each `push` returns the answers for the lines that chunk completed as one
 * buffer (or `undefined` when it completed none).
 */
export class BatchStream {
  /** Lines answered with code `internal` so far. */
  internalFaults = 0;
  /** Lines answered so far. */
  answered = 0;
  private output = '';
  private readonly splitter: LineSplitter;
  private readonly tooLargeLine: string;

  constructor(
    private readonly answer: RequestAnswerer,
    maxLineBytes: number = MAX_REQUEST_BYTES,
    /** Told about every line answered with an error (metrics). */
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {
    this.tooLargeLine = `${JSON.stringify(errorPayload(requestTooLarge()))}\n`;
    this.splitter = new LineSplitter(
      {
        line: (bytes, start, end) => this.answerLine(bytes, start, end),
        oversize: () => {
          this.onError(requestTooLarge());
          this.answered++;
          this.output += this.tooLargeLine;
        },
      },
      maxLineBytes,
    );
  }

  push(chunk: Buffer): Buffer | undefined {
    this.splitter.push(chunk);
    return this.take();
  }

  end(): Buffer | undefined {
    this.splitter.end();
    return this.take();
  }

  /** True while a line has been started but not finished. */
  get pending(): boolean {
    return this.splitter.pending;
  }

  private take(): Buffer | undefined {
    if (this.output === '') return undefined;
    // V8 concatenates strings as ropes: one UTF-8 encode per chunk instead of one per line.
    const bytes = Buffer.from(this.output, 'utf8');
    this.output = '';
    return bytes;
  }

  private answerLine(bytes: Buffer, start: number, end: number): void {
    let line: string;
    try {
      const text = decodeRequestUtf8(bytes, start, end);
      if (text.trim() === '') throw emptyLine();
      line = this.answer(parseRequestJson(text));
    } catch (error) {
      if (!(error instanceof CavraError)) this.internalFaults++;
      this.onError(error);
      line = JSON.stringify(errorPayload(error));
    }
    this.answered++;
    this.output += `${line}\n`;
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
