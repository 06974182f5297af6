import { CavraError } from '@cavra/policy-model';
import type { DecisionEngine } from '../engine.js';
import { isReleaseGovernanceDecision, releaseGovernanceDecisionJson } from '../release-governance-request.js';
import { decisionJson } from '@cavra/evidence';
import { decodeRequestUtf8, errorPayload, parseRequestJson, requestTooLarge } from './request-text.js';

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

const emptyLine = (): CavraError =>
  new CavraError('invalid_request', 'empty request line', { python: 'ValueError: empty request line' });

/**
 * The one home of "what does a batch line get": the bytes of a complete line (terminator
 * removed) become a decision line or `{"error": {...}}` in its place; a line over the limit gets
 * `request_too_large`. Used by `BatchStream` and by every worker of the batch worker pool, so
 * both give the same bytes for the same line. Counts what it answered.
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

  /** The answer to the line `bytes[start, end)`, without its newline. */
  line(bytes: Buffer, start: number, end: number): string {
    let line: string;
    try {
      const text = decodeRequestUtf8(bytes, start, end);
      if (text.trim() === '') throw emptyLine();
      line = this.answer(parseRequestJson(text));
    } catch (error) {
      return this.error(error);
    }
    this.answered++;
    return line;
  }

  /** The answer to a line over the limit (its bytes were never held whole). */
  oversize(): string {
    this.onError(requestTooLarge());
    this.answered++;
    return this.tooLargeLine;
  }

  /** The error line a line gets for `error`; anything but a `CavraError` counts as an internal fault. */
  error(error: unknown): string {
    if (!(error instanceof CavraError)) this.internalFaults++;
    this.onError(error);
    this.answered++;
    return JSON.stringify(errorPayload(error));
  }
}
