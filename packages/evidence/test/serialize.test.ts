import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import type { Decision } from '@cavra/policy-model';
import { createDecisionEnveloper } from '../src/envelope.js';
import { decisionJson } from '../src/serialize.js';

// Strings that exercise every escaping rule: quotes, backslashes, C0 controls, DEL, U+2028, astral and lone surrogates.
const text = fc.string({ unit: fc.constantFrom('a', '"', '\\', '\n', '\u0000', '\u001f', '\u007f', '\u2028', '😀', '\ud800', '\udfff', 'é', '/') });

describe('decisionJson', () => {
  const envelope = createDecisionEnveloper();
  test.prop([text, text, fc.option(text, { nil: null }), fc.option(text, { nil: null }), text])(
    'equals JSON.stringify of the decision',
    (session, reason, target, requested, pack) => {
      const decision: Decision = envelope({
        session_id: session,
        agent_id: 'unknown-agent',
        actor: 'ai-agent',
        action_type: 'read_file',
        target,
        requested_operation: requested,
        policy_pack: pack,
        policy_id: pack,
        rule_id: 'filesystem.read.allow',
        decision: 'allow',
        severity: 'low',
        reason,
        approver_group: null,
      });
      expect(decisionJson(decision)).toBe(JSON.stringify(decision));
    },
  );
});
