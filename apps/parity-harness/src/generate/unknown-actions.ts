import fc from 'fast-check';
import type { Action } from './building-blocks.js';

/** Action types Python does not know (the one allowed difference: TS fails closed). */
const UNKNOWN_ACTIONS = ['pull_request', 'delete_file', 'READ_FILE', ''];

export const unknownAction: fc.Arbitrary<Action> = fc
  .record({ action: fc.constantFrom(...UNKNOWN_ACTIONS), target: fc.constantFrom('x', '.env') })
  .map(({ action, target }) => ({ request: { action_type: action, target } }));
