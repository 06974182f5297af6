import type { DecisionValue } from '@cavra/policy-model';
import type { HookVerdict } from './types.js';

const STRICTNESS: Readonly<Record<DecisionValue, number>> = { allow: 0, require_approval: 1, block: 2 };

/** `CAVRA block (commands.block): Matched blocked command policy: terraform apply*`. */
export function verdictMessage(decision: DecisionValue, ruleId: string, reason: string): string {
  return `CAVRA ${decision} (${ruleId}): ${reason}`;
}

/** The strictest verdict (block > require_approval > allow); the first one among equals. */
export function strictest(verdicts: readonly HookVerdict[]): HookVerdict | undefined {
  let strictestSoFar: HookVerdict | undefined;
  for (const verdict of verdicts) {
    if (!strictestSoFar || STRICTNESS[verdict.decision] > STRICTNESS[strictestSoFar.decision]) strictestSoFar = verdict;
  }
  return strictestSoFar;
}
