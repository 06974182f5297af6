import type { Oracle, RecordedCase } from '../family.js';

/** The recorded oracle: answers each case with the Python answer recorded for it. */
export class RecordedOracle<C, A> implements Oracle<C, A> {
  readonly hasVolatile = false;
  private readonly answers: Map<C, A>;

  constructor(recorded: readonly RecordedCase<C, A>[]) {
    this.answers = new Map(recorded.map((r) => [r.case, r.expected]));
  }

  answer(cases: readonly C[]): Promise<A[]> {
    return Promise.resolve(
      cases.map((c) => {
        if (!this.answers.has(c)) throw new Error('recorded oracle: no recorded answer for this case');
        return this.answers.get(c) as A;
      }),
    );
  }
}
