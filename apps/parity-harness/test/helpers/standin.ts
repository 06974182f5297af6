import { fileURLToPath } from 'node:url';
import { bundledPackSource, pyStr } from '@cavra/policy-model';
import type { Outcome, ParityCase } from '../../src/cases.js';
import type { PythonCheckout } from '../../src/oracle/python-env.js';
import type { Oracle } from '../../src/family.js';
import { TypeScriptSide } from '../../src/typescript-side.js';

/** Root of the stand-in `cavra` package (NOT the CAVRA runtime; see its README). */
export const STANDIN_ROOT = fileURLToPath(new URL('../fixtures/standin-cavra', import.meta.url));
export const VENDORED_PACKS = fileURLToPath(
  new URL('../../../../packages/policy-model/packs', import.meta.url),
);

export const standinCheckout = (): PythonCheckout => ({
  root: STANDIN_ROOT,
  python: 'python3',
  policyDir: VENDORED_PACKS,
});

const KNOWN_ACTIONS = new Set([
  'read_file',
  'write_file',
  'execute_command',
  'git_operation',
  'mcp_tool_call',
]);

/**
 * A stand-in oracle built from the TS engine itself, answering unknown action types the way
 * Python does (an AssertionError). Faithful by construction: used to check that correct
 * answers produce no mismatch and that the allowed difference is counted, not hidden.
 */
export class MirrorStandInOracle implements Oracle<ParityCase, Outcome> {
  readonly hasVolatile = true;
  protected readonly ts = new TypeScriptSide(bundledPackSource);
  calls = 0;

  answer(cases: readonly ParityCase[]): Promise<Outcome[]> {
    this.calls++;
    return Promise.resolve(cases.map((c) => this.answerOne(c)));
  }

  protected answerOne(c: ParityCase): Outcome {
    const action = c.request.get('action_type');
    if (typeof action !== 'string' || !KNOWN_ACTIONS.has(action)) {
      return { kind: 'error', error: `AssertionError: unsupported parity action: ${pyStr(action ?? null)}` };
    }
    return this.ts.decide(c);
  }
}

/**
 * A DELIBERATELY WRONG stand-in oracle: a blocked command that contains `apply` is only `high`
 * (Python says `critical`). The harness must catch this and shrink it to a minimal command.
 */
export class WrongSeverityStandInOracle extends MirrorStandInOracle {
  protected override answerOne(c: ParityCase): Outcome {
    const outcome = super.answerOne(c);
    if (outcome.kind !== 'decision') return outcome;
    const target = outcome.decision.get('target');
    if (
      outcome.decision.get('rule_id') === 'commands.block' &&
      typeof target === 'string' &&
      target.includes('apply') &&
      !target.includes('delete')
    ) {
      const wrong = new Map(outcome.decision);
      wrong.set('severity', 'high');
      return { kind: 'decision', decision: wrong };
    }
    return outcome;
  }
}
