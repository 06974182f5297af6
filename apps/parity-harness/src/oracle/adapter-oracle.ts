import { dumpsPyJson, type PyDict, type PyValue } from '@cavra/policy-model';
import type { Oracle } from '../family.js';
import type { AdapterClient } from './adapter.js';

/**
 * The live oracle for every family Python's adapter answers: one pipelined batch of JSON Lines
 * per call. A family brings its request line and how to read an answer line.
 */
export class AdapterOracle<C, A> implements Oracle<C, A> {
  readonly hasVolatile = true;
  cases = 0;
  constructor(
    private readonly client: AdapterClient,
    private readonly toLine: (c: C) => string,
    private readonly fromAnswer: (answer: PyValue) => A,
  ) {}

  async answer(cases: readonly C[]): Promise<A[]> {
    const answers = await this.client.request(cases.map(this.toLine));
    this.cases += cases.length;
    return answers.map(this.fromAnswer);
  }
}

/**
 * An adapter line of another request kind than a decision: the adapter hands `request` to the
 * handler registered for `kind` (`REQUEST_KINDS` in python/cavra_parity_adapter.py).
 */
export function adapterKindLine(kind: string, request: PyDict): string {
  const line: PyDict = new Map<PyValue, PyValue>([['__kind__', kind]]);
  for (const [key, value] of request) if (key !== '__kind__') line.set(key, value);
  return dumpsPyJson(line, { ensureAscii: false });
}
