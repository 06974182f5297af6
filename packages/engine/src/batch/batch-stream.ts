import { CavraError } from '@cavra/policy-model';
import { decisionJson } from '@cavra/evidence';
import type { DecisionEngine } from '../engine.js';
import { isReleaseGovernanceDecision, releaseGovernanceDecisionJson } from '../release-governance-request.js';
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

/**
 * The plain CLI answer: the engine's 17-key decision, compact, in Python's key order (a
 * release-governance decision in Python's JSON form, its values Python's).
 */
export const engineAnswerer =
  (engine: DecisionEngine): RequestAnswerer =>
  (request) =>
    answerLine(engine.decide(request));

/** One decision as its compact answer line. */
export const answerLine = (decision: ReturnType<DecisionEngine['decide']>): string =>
  isReleaseGovernanceDecision(decision) ? releaseGovernanceDecisionJson(decision) : decisionJson(decision);

/** The first output slab is small (many idle connections each hold one); it grows by doubling. */
const FIRST_SLAB = 4 * 1024;
const MAX_KEPT_SLAB = 1024 * 1024;

const emptyLine = (): CavraError =>
  new CavraError('invalid_request', 'empty request line', { python: 'ValueError: empty request line' });

/**
 * The batch path shared by `--batch`, the server's socket and `POST /v1/decisions:batch`:
 * JSON Lines in, exactly one compact answer line out per input line, in order. A bad line gets
 * `{"error": {...}}` in its place (a blank line too); a line over the limit gets
 * `request_too_large` without being buffered whole; a fault of ours gets code `internal` and the
 * stream goes on. Each `push` returns the answers for the lines that chunk completed as one
 * buffer (or `undefined` when it completed none); the buffer stays valid after later pushes.
 */
export class BatchStream {
  /** Lines answered with code `internal` so far. */
  internalFaults = 0;
  /** Lines answered so far. */
  answered = 0;
  // Answers are UTF-8-encoded straight into a slab; `take()` hands out [start, used) as a view and
  // the slab is never written below `used` again, so a buffer handed out stays valid.
  private slab: Buffer | undefined;
  /** The size of the next slab: as large as this stream's chunks have needed, up to MAX_KEPT_SLAB. */
  private slabSize = FIRST_SLAB;
  private start = 0;
  private used = 0;
  private readonly splitter: LineSplitter;
  private readonly tooLargeLine: string;

  constructor(
    private readonly answer: RequestAnswerer,
    maxLineBytes: number = MAX_REQUEST_BYTES,
    /** Told about every line answered with an error (metrics). */
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {
    this.tooLargeLine = JSON.stringify(errorPayload(requestTooLarge()));
    this.splitter = new LineSplitter(
      {
        line: (bytes, start, end) => this.answerLine(bytes, start, end),
        oversize: () => {
          this.onError(requestTooLarge());
          this.answered++;
          this.emit(this.tooLargeLine);
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
    const slab = this.slab;
    if (!slab || this.used === this.start) return undefined;
    const bytes = slab.subarray(this.start, this.used);
    this.start = this.used;
    // A slab grown for one large chunk is not kept (idle connections stay small).
    if (slab.length > MAX_KEPT_SLAB) this.slab = undefined;
    return bytes;
  }

  private emit(line: string): void {
    // UTF-8 needs at most 3 bytes per UTF-16 code unit, plus the newline.
    const room = line.length * 3 + 1;
    if (!this.slab || this.used + room > this.slab.length) this.grow(room);
    const slab = this.slab as Buffer;
    this.used += slab.write(line, this.used);
    slab[this.used++] = 0x0a;
  }

  /** A new slab holding the answers not handed out yet, with room for at least `room` more bytes. */
  private grow(room: number): void {
    const pending = this.slab ? this.used - this.start : 0;
    const size = Math.max(this.slabSize, 2 * (pending + room));
    this.slabSize = Math.min(size, MAX_KEPT_SLAB);
    const next = Buffer.allocUnsafe(size);
    if (this.slab && pending > 0) this.slab.copy(next, 0, this.start, this.used);
    this.slab = next;
    this.start = 0;
    this.used = pending;
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
    this.emit(line);
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
