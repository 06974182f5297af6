import { describe, expect, it } from 'vitest';
import { createDecisionEngine, type DecisionEngine } from '@cavra/engine';
import { decisionProblems, expectNoMismatches, readCorpus, readOracleJson, routeKey, type CorpusCase } from './support/corpus.js';

const CORPUS_SIZE = 61_468;

function engineFor(c: CorpusCase): DecisionEngine {
  return createDecisionEngine({
    ...(c.policy_file ? { compiledPolicy: readOracleJson(c.policy_file) } : {}),
    ...(c.registry ? { registry: readOracleJson(c.registry) } : {}),
  });
}

describe('recorded corpus, in-process', { timeout: 120_000 }, () => {
  it('reproduces every recorded Python decision on every field', () => {
    const corpus = readCorpus();
    expect(corpus).toHaveLength(CORPUS_SIZE);
    const engines = new Map<string, DecisionEngine>();
    const mismatches: string[] = [];
    for (const c of corpus) {
      const key = routeKey(c);
      let engine = engines.get(key);
      if (!engine) engines.set(key, (engine = engineFor(c)));
      try {
        const problems = decisionProblems(engine.decide(c.request), c.expected);
        if (problems.length > 0) mismatches.push(`${c.id} ${JSON.stringify(c.request)}: ${problems.join('; ')}`);
      } catch (error) {
        mismatches.push(`${c.id} ${JSON.stringify(c.request)}: threw ${String(error)}`);
      }
    }
    expectNoMismatches(mismatches, corpus.length);
  });
});
