import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { strictest, verdictMessage, type HookVerdict } from '../src/index.js';

const verdict = (decision: HookVerdict['decision'], ruleId: string): HookVerdict => ({ decision, ruleId, message: verdictMessage(decision, ruleId, 'r') });

describe('strictest', () => {
  it('orders block > require_approval > allow and keeps the first of equals', () => {
    expect(strictest([verdict('allow', 'a'), verdict('require_approval', 'b'), verdict('block', 'c'), verdict('block', 'd')])?.ruleId).toBe('c');
    expect(strictest([verdict('allow', 'a'), verdict('require_approval', 'b'), verdict('require_approval', 'c')])?.ruleId).toBe('b');
    expect(strictest([])).toBeUndefined();
  });

  it('never returns a decision weaker than any input, whatever the order (property)', () => {
    const rank = { allow: 0, require_approval: 1, block: 2 } as const;
    const decision = fc.constantFrom<HookVerdict['decision']>('allow', 'require_approval', 'block');
    fc.assert(
      fc.property(fc.array(decision, { minLength: 1, maxLength: 8 }), (decisions) => {
        const result = strictest(decisions.map((d, i) => verdict(d, String(i))));
        expect(rank[result!.decision]).toBe(Math.max(...decisions.map((d) => rank[d])));
      }),
    );
  });

  it('formats the message with decision and rule id', () => {
    expect(verdictMessage('block', 'commands.block', 'Matched blocked command policy: terraform apply*')).toBe(
      'CAVRA block (commands.block): Matched blocked command policy: terraform apply*',
    );
  });
});
