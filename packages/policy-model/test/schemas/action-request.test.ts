import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { actionRequestSchema, isActionRequest } from '../../src/schemas/action-request.js';

const FIELDS = ['action_type', 'target', 'policy_pack', 'session_id', 'agent_id', 'actor', 'operation', 'requested_operation', 'server', 'tool', 'capability'];
const value = fc.oneof(fc.string(), fc.constant(null), fc.integer(), fc.boolean(), fc.constant(undefined), fc.array(fc.string(), { maxLength: 2 }), fc.dictionary(fc.string(), fc.string(), { maxKeys: 2 }));
const requestLike = fc.dictionary(fc.oneof(fc.constantFrom(...FIELDS), fc.string()), value, { maxKeys: 8 });
const mostlyValid = fc.record(Object.fromEntries(FIELDS.map((f) => [f, fc.string()])), { requiredKeys: ['action_type'] });

describe('isActionRequest', () => {
  test.prop([fc.oneof(requestLike, mostlyValid, fc.anything())], { numRuns: 3000 })('agrees with the zod schema', (candidate) => {
    expect(isActionRequest(candidate)).toBe(actionRequestSchema.safeParse(candidate).success);
  });

  it.each([
    [{ action_type: 'read_file', target: 'x', extra: 5 }, true],
    [{ target: 'x' }, false],
    [{ action_type: 'read_file', target: null }, false],
    [{ action_type: 1 }, false],
    [[], false],
    ['x', false],
  ])('%j → %s', (candidate, expected) => {
    expect(isActionRequest(candidate)).toBe(expected);
  });
});
