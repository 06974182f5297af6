import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadPolicyJsonFile } from '@cavra/policy-model/node';
import { createDecisionEngine, type DecisionEngine } from '@cavra/engine';
import { runHook, type HookAgent, type HookAnswer, type HookRunOptions } from '../../src/index.js';

export const TEST_POLICY = fileURLToPath(new URL('../fixtures/policy/hook-test-policy.json', import.meta.url));

/** An agent's documented event shape, as kept in test/fixtures/<agent>/<name>.json. */
export function fixtureText(agent: HookAgent, name: string): string {
  return readFileSync(fileURLToPath(new URL(`../fixtures/${agent}/${name}.json`, import.meta.url)), 'utf8');
}

export function fixture(agent: HookAgent, name: string): unknown {
  return JSON.parse(fixtureText(agent, name)) as unknown;
}

export function testPolicyEngine(): DecisionEngine {
  return createDecisionEngine({ compiledPolicy: loadPolicyJsonFile(TEST_POLICY) });
}

/** Runs the hook on a fixture with the test policy (project root /work/project, lexical paths). */
export function runFixture(agent: HookAgent, name: string, options: Partial<HookRunOptions> = {}): Promise<HookAnswer> {
  return runHook({
    agent,
    eventText: fixtureText(agent, name),
    loadEngine: testPolicyEngine,
    cwd: '/work/project',
    projectRoot: '/work/project',
    ...options,
  });
}

export function stdoutJson(answer: HookAnswer): unknown {
  return JSON.parse(answer.stdout) as unknown;
}
