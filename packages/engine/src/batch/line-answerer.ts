import { CavraError } from '@cavra/policy-model';
import type { DecisionEngine } from '../engine.js';
import { isReleaseGovernanceDecision, releaseGovernanceDecisionJson } from '../release-governance-request.js';
import { decisionJson } from '@cavra/evidence';
import type { AnswerSlab } from './answer-slab.js';
import { decodeRequestUtf8, errorPayload, parseRequestJson, requestTooLarge } from './request-text.js';

/**
 * Answers one parsed request: emits its compact decision line into `out` (one line, see
 * `AnswerSlab`), or throws having emitted nothing: a `CavraError` for bad input; anything else it
 * throws is answered as an internal fault.
 */
export type RequestAnswerer = (request: unknown, out: AnswerSlab) => void;

/**
 * The plain CLI answer: the engine's 17-key decision, compact, in Python's key order (a
 * release-governance decision in Python's JSON form, its values Python's), written in place.
 */
export const engineAnswerer =
  (engine: DecisionEngine): RequestAnswerer =>
  (request, out) => {
    engine.writeDecisionLine(request, out);
  };

/** An answerer that gives its answer line as a string (decisions recorded or counted first). */
export const textAnswerer =
  (answer: (request: unknown) => string): RequestAnswerer =>
  (request, out) =>
    out.emit(answer(request));

/** One decision as its compact answer line. */
export const answerLine = (decision: ReturnType<DecisionEngine['decide']>): string =>
  isReleaseGovernanceDecision(decision) ? releaseGovernanceDecisionJson(decision) : decisionJson(decision);

const emptyLine = (): CavraError =>
  new CavraError('invalid_request', 'empty request line', { python: 'ValueError: empty request line' });

/**
 * The one home of "what does a batch line get": the bytes of a complete line (terminator
 * removed) become a decision line or `{"error": {...}}` in its place; a line over the limit gets
 * `request_too_large`. Used by `BatchStream` and by every worker of the batch worker pool, so
 * both give the same bytes for the same line. Each call emits exactly one line into `out`.
 * Counts what it answered.
 */
export class LineAnswerer {
  /** Lines answered with code `internal` so far. */
  internalFaults = 0;
  /** Lines answered so far. */
  answered = 0;
  private readonly tooLargeLine: string;

  constructor(
    private readonly answer: RequestAnswerer,
    /** Told about every line answered with an error (metrics). */
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {
    this.tooLargeLine = JSON.stringify(errorPayload(requestTooLarge()));
  }

  /** Answers the line `bytes[start, end)` into `out`. */
  line(bytes: Buffer, start: number, end: number, out: AnswerSlab): void {
    const mark = out.pendingBytes;
    try {
      const text = decodeRequestUtf8(bytes, start, end);
      if (text.trim() === '') throw emptyLine();
      this.answer(parseRequestJson(text), out);
    } catch (error) {
      // An answerer that failed after emitting part of its answer: the line gets the error alone.
      out.rewind(mark);
      this.error(error, out);
      return;
    }
    this.answered++;
  }

  /** Answers a line over the limit (its bytes were never held whole). */
  oversize(out: AnswerSlab): void {
    this.onError(requestTooLarge());
    this.answered++;
    out.emit(this.tooLargeLine);
  }

  /** Answers a line with the error object for `error`; anything but a `CavraError` counts as an internal fault. */
  error(error: unknown, out: AnswerSlab): void {
    if (!(error instanceof CavraError)) this.internalFaults++;
    this.onError(error);
    this.answered++;
    out.emit(JSON.stringify(errorPayload(error)));
  }
}
