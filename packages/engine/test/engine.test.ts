import { describe, expect, it } from 'vitest';
import { CavraError } from '@cavra/policy-model';
import { createDecisionEngine, parseActionRequest } from '@cavra/engine';

describe('createDecisionEngine', () => {
  const engine = createDecisionEngine();

  it('blocks a read of ./.env with the baseline pack (the path is normalised first)', () => {
    const decision = engine.decideCore({ action_type: 'read_file', target: './.env' });
    expect(decision.decision).toBe('block');
    expect(decision.target).toBe('.env');
  });

  it('adds the four volatile fields in the envelope', () => {
    const decision = engine.decide({ action_type: 'read_file', target: 'README.md' });
    expect(decision.decision_id).toMatch(/^dec_[0-9a-f]{12}$/);
    expect(Object.keys(decision)).toContain('timestamp');
  });

  it('refuses an unknown pack with a typed error', () => {
    expect(() => engine.decideCore({ action_type: 'read_file', target: 'a', policy_pack: 'no-such-pack' })).toThrow(
      CavraError,
    );
  });
});

describe('parseActionRequest', () => {
  it('refuses a non-object with Python\'s TypeError line', () => {
    expect(() => parseActionRequest([])).toThrow(expect.objectContaining({ code: 'invalid_request' }));
  });
  it('refuses a request without action_type with KeyError', () => {
    expect(() => parseActionRequest({ target: 'x' })).toThrow(
      expect.objectContaining({ python: "KeyError: 'action_type'" }),
    );
  });
});
