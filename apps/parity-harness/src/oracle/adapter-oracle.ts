import { adapterLine, type Outcome, type ParityCase } from '../cases.js';
import { outcomeFromAnswer } from '../compare.js';
import type { Oracle } from '../run/generated.js';
import type { AdapterClient } from './adapter.js';

/** The live oracle: the long-lived Python adapter, one pipelined batch per call. */
export class AdapterOracle implements Oracle {
  readonly hasVolatile = true;
  cases = 0;
  constructor(private readonly client: AdapterClient) {}

  async answer(cases: readonly ParityCase[]): Promise<Outcome[]> {
    const answers = await this.client.request(cases.map(adapterLine));
    this.cases += cases.length;
    return answers.map(outcomeFromAnswer);
  }
}
