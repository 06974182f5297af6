import { describe, expect, it } from 'vitest';
import { AnswerSlab, answerLine, createDecisionEngine, type DecisionEngine, type DecisionEngineOptions } from '@cavra/engine';
import type { RandomBytes } from '@cavra/evidence';
import { readCorpus, readOracleJson, routeKey, type CorpusCase } from '@cavra/test-fixtures';

/** Random bytes from a counter: two engines given one each draw the same ids. */
const countingRandom = (): RandomBytes => {
  let next = 0;
  return (size) => Uint8Array.from({ length: size }, () => next++ % 256);
};
/** A clock that moves 7 µs per read, crossing whole seconds (which print no fraction). */
const steppingClock = (): (() => number) => {
  let micros = 1_767_323_044_999_986;
  return () => (micros += 7);
};

/** Two engines over the same options, with the same ids and clock, one per form of the answer. */
function enginePair(options: DecisionEngineOptions): { text: DecisionEngine; bytes: DecisionEngine } {
  const make = (): DecisionEngine => createDecisionEngine({ ...options, envelope: { random: countingRandom(), clock: steppingClock() } });
  return { text: make(), bytes: make() };
}

/** The line `writeDecisionLine` emits for `request`, without its newline, or the CavraError it threw. */
function writtenLine(engine: DecisionEngine, request: unknown): string {
  const out = new AnswerSlab();
  engine.writeDecisionLine(request, out);
  const text = out.take()?.toString('utf8') ?? '';
  expect(text.indexOf('\n')).toBe(text.length - 1);
  return text.slice(0, -1);
}

const optionsFor = (c: CorpusCase): DecisionEngineOptions => ({
  allowPackPaths: true,
  ...(c.policy_file ? { compiledPolicy: readOracleJson(c.policy_file) } : {}),
  ...(c.registry ? { registry: readOracleJson(c.registry) } : {}),
});

describe('DecisionEngine.writeDecisionLine', () => {
  it('writes, for every recorded request, the bytes answerLine(decide(request)) gives', { timeout: 120_000 }, () => {
    const routes = new Map<string, { pair: ReturnType<typeof enginePair>; cases: CorpusCase[] }>();
    for (const c of readCorpus()) {
      const route = routes.get(routeKey(c));
      if (route) route.cases.push(c);
      else routes.set(routeKey(c), { pair: enginePair(optionsFor(c)), cases: [c] });
    }
    let compared = 0;
    for (const { pair, cases } of routes.values()) {
      for (const c of cases) {
        expect(writtenLine(pair.bytes, c.request)).toBe(answerLine(pair.text.decide(c.request)));
        compared++;
      }
    }
    expect(compared).toBe(61_468);
  });

  it('emits nothing for a request it refuses', () => {
    const engine = createDecisionEngine();
    const out = new AnswerSlab();
    expect(() => engine.writeDecisionLine({ action_type: 'read_file', target: 1 }, out)).toThrow(
      expect.objectContaining({ code: 'invalid_request' }),
    );
    expect(out.take()).toBeUndefined();
  });

  it('answers a release-governance record in its Python JSON form', () => {
    const { text, bytes } = enginePair({});
    const request = { action_type: 'release_governance_record', session_id: 7, release_id: 'r-1', actor: 'ci' };
    expect(writtenLine(bytes, request)).toBe(answerLine(text.decide(request)));
  });
});
