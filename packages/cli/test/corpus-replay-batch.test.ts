import { describe, expect, it } from 'vitest';
import { ORACLE_DIR, decisionProblems, expectNoMismatches, readCorpus, routeKey, type CorpusCase } from './support/corpus.js';
import { runCli } from './support/run-cli.js';

describe('recorded corpus, through `cavra-runtime --batch`', () => {
  it('reproduces every recorded Python decision, one output line per input line, in order', { timeout: 180_000 }, async () => {
    const groups = new Map<string, CorpusCase[]>();
    for (const c of readCorpus()) {
      const group = groups.get(routeKey(c));
      if (group) group.push(c);
      else groups.set(routeKey(c), [c]);
    }
    const mismatches: string[] = [];
    let total = 0;
    // Two processes at a time: this machine has two cores.
    const queue = [...groups.values()];
    const worker = async (): Promise<void> => {
      for (let cases = queue.shift(); cases; cases = queue.shift()) {
        const [first] = cases as [CorpusCase];
        const args = ['--batch'];
        if (first.policy_file) args.push('--policy', `${ORACLE_DIR}${first.policy_file}`);
        if (first.registry) args.push('--registry', `${ORACLE_DIR}${first.registry}`);
        const input = cases.map((c) => JSON.stringify(c.request)).join('\n') + '\n';
        const result = await runCli(args, input);
        expect(result.stderr).toBe('');
        expect(result.code).toBe(0);
        const lines = result.stdout.split('\n');
        expect(lines.pop()).toBe('');
        expect(lines).toHaveLength(cases.length);
        cases.forEach((c, i) => {
          total++;
          const problems = decisionProblems(JSON.parse(lines[i] as string) as Record<string, unknown>, c.expected);
          if (problems.length > 0) mismatches.push(`${c.id}: ${problems.join('; ')}`);
        });
      }
    };
    await Promise.all([worker(), worker()]);
    expect(total).toBe(61_468);
    expectNoMismatches(mismatches, total);
  });
});
