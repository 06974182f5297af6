import fc from 'fast-check';
import type { PyValue } from '@cavra/policy-model';
import { DEFAULT_PACK, py, type ParityCase } from '../cases.js';
import { absentOr } from './building-blocks.js';
import { commandAction } from './command-actions.js';
import { fileAction } from './file-actions.js';
import { gitAction } from './git-actions.js';
import { mcpAction } from './mcp-actions.js';
import type { PackProfile } from './profile.js';
import { unknownAction } from './unknown-actions.js';

// The decision family's case generator: one of the five action types (or an unknown one) with
// identity fields, on the pack route or the compiled-policy route. The per-action generators
// live in their own modules; this one only composes them.

export interface GeneratedCase {
  route: 'pack' | 'compiled';
  /** With the compiled route: whether `policy_pack` is sent (else the label is `metadata.id`). */
  labelled: boolean;
  request: Record<string, string>;
  registry?: Record<string, unknown>;
}

const IDENTITY_VALUES = ['', 's1', 'sess/1 é😀', 'None', 'agent-7'];
const identity = fc.record({
  session_id: absentOr(fc.constantFrom(...IDENTITY_VALUES), 4),
  agent_id: absentOr(fc.constantFrom(...IDENTITY_VALUES), 4),
  actor: absentOr(fc.constantFrom(...IDENTITY_VALUES), 4),
});

/** Every request shape the issue lists, for one pack, on both routes. */
export function caseArbitrary(profile: PackProfile): fc.Arbitrary<GeneratedCase> {
  const action = fc.oneof(
    { weight: 5, arbitrary: fileAction(profile, 'read_file') },
    { weight: 5, arbitrary: fileAction(profile, 'write_file') },
    { weight: 6, arbitrary: commandAction(profile) },
    { weight: 4, arbitrary: gitAction },
    { weight: 9, arbitrary: mcpAction(profile) },
    { weight: 1, arbitrary: unknownAction },
  );
  return fc
    .record({
      route: fc.constantFrom('pack' as const, 'compiled' as const),
      labelled: fc.boolean(),
      identity,
      action,
    })
    .map(({ route, labelled, identity: who, action: { request, registry } }) => {
      const full: Record<string, string> = { ...request };
      // Only the default pack may be reached without a label on the pack route.
      if (route === 'pack' ? labelled || profile.id !== DEFAULT_PACK : labelled)
        full.policy_pack = profile.id;
      for (const [key, value] of Object.entries(who)) if (value !== undefined) full[key] = value;
      return registry === undefined
        ? { route, labelled, request: full }
        : { route, labelled, request: full, registry };
    });
}

/** Bind a generated case to the pack: the compiled route sends the compiled policy as a file. */
export function toParityCase(
  generated: GeneratedCase,
  pack: string,
  compiled: { ref: string; value: PyValue },
): ParityCase {
  const request = py(generated.request) as Map<PyValue, PyValue>;
  const c: ParityCase = { pack, request };
  if (generated.route === 'compiled') c.policy = compiled;
  if (generated.registry !== undefined) c.registry = { value: py(generated.registry) };
  return c;
}
