import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { createDecisionEngine, type DecisionEngine } from '@cavra/engine';
import {
  decisionProblems,
  expectNoMismatches,
  readCorpus,
  readOracleJson,
  routeKey,
  type CorpusCase,
} from '../../cli/test/support/corpus.js';
import { httpExchange, pipelinedDecisions, socketExchange, startServer, tempDir } from './support/test-server.js';

const CORPUS_SIZE = 61_468;

function engineFor(c: CorpusCase): DecisionEngine {
  return createDecisionEngine({
    ...(c.policy_file ? { compiledPolicy: readOracleJson(c.policy_file) } : {}),
    ...(c.registry ? { registry: readOracleJson(c.registry) } : {}),
  });
}

describe('recorded corpus, through the server (socket, HTTP decisions:batch, HTTP decisions one by one)', () => {
  it('answers every case byte-identically to the engine on the deterministic fields', { timeout: 120_000 }, async () => {
    const corpus = readCorpus();
    expect(corpus).toHaveLength(CORPUS_SIZE);
    const groups = new Map<string, CorpusCase[]>();
    for (const c of corpus) {
      const group = groups.get(routeKey(c));
      if (group) group.push(c);
      else groups.set(routeKey(c), [c]);
    }
    const { dir, cleanup } = tempDir();
    const mismatches: string[] = [];
    let total = 0;
    try {
      let index = 0;
      for (const cases of groups.values()) {
        const first = cases[0] as CorpusCase;
        const reference = engineFor(first);
        const socketPath = join(dir, `route-${index++}.sock`);
        const server = await startServer({
          loadPolicy: () => ({ engine: engineFor(first), digest: routeKey(first), watchPaths: [] }),
          digestPolicy: () => routeKey(first),
          socketPath,
          http: { host: '127.0.0.1', port: 0 },
        });
        try {
          const input = `${cases.map((c) => JSON.stringify(c.request)).join('\n')}\n`;
          const viaSocket = (await socketExchange(socketPath, input)).split('\n');
          const viaHttp = await httpExchange(server.httpAddress?.port as number, 'POST', '/v1/decisions:batch', input);
          expect(viaHttp.status).toBe(200);
          const httpLines = viaHttp.body.split('\n');
          // One keep-alive request per case (the fast path answers these), an empty last line to match.
          const oneByOne = [...(await pipelinedDecisions(server.httpAddress?.port as number, cases.map((c) => JSON.stringify(c.request)))), ''];
          for (const [transport, lines] of [['socket', viaSocket], ['http batch', httpLines], ['http', oneByOne]] as const) {
            expect(lines.at(-1)).toBe('');
            expect(lines.length - 1).toBe(cases.length);
            cases.forEach((c, i) => {
              const line = lines[i] as string;
              const decision = JSON.parse(line) as Record<string, unknown>;
              const problems = decisionProblems(decision, c.expected);
              // Byte-identical on the deterministic fields: the engine's own serialisation of each.
              const core = reference.decideCore(c.request) as unknown as Record<string, unknown>;
              for (const [key, value] of Object.entries(core)) {
                if (JSON.stringify(decision[key]) !== JSON.stringify(value)) problems.push(`${key} differs from the engine`);
              }
              if (problems.length > 0) mismatches.push(`${transport} ${c.id}: ${problems.join('; ')}`);
              total++;
            });
          }
        } finally {
          await server.close();
        }
      }
    } finally {
      cleanup();
    }
    expect(total).toBe(3 * CORPUS_SIZE);
    expectNoMismatches(mismatches, total);
  });
});
