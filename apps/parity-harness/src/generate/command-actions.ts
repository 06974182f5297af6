import fc from 'fast-check';
import {
  JS_ONLY_WHITESPACE,
  NEAR_WHITESPACE,
  PY_WHITESPACE,
  patternInstance,
  trickyString,
  type Action,
} from './building-blocks.js';
import type { PackProfile } from './profile.js';

/** Tails after a block/allow prefix: the words that turn a plan into an apply or a delete, and near misses. */
const SUFFIXES = [
  '',
  ' apply',
  ' delete',
  ' -auto-approve',
  ' --target=module.delete_me',
  'applyfix',
  ' x',
  ' plan',
];

export function commandAction(profile: PackProfile): fc.Arbitrary<Action> {
  const patterns = [...profile.commandBlock, ...profile.commandAllow];
  const prefixes = patterns.map((p) => p.split('*')[0] ?? '');
  const whitespace = fc.array(fc.constantFrom(...PY_WHITESPACE, ...JS_ONLY_WHITESPACE, ...NEAR_WHITESPACE), {
    maxLength: 3,
  });
  return fc
    .record({
      body: fc.oneof(
        { weight: 4, arbitrary: patternInstance(patterns) },
        {
          weight: 3,
          arbitrary: fc
            .tuple(fc.constantFrom(...(prefixes.length ? prefixes : [''])), fc.constantFrom(...SUFFIXES))
            .map(([prefix, suffix]) => prefix + suffix),
        },
        { weight: 1, arbitrary: trickyString },
      ),
      left: whitespace,
      right: whitespace,
    })
    .map(({ body, left, right }) => ({
      request: { action_type: 'execute_command', target: left.join('') + body + right.join('') },
    }));
}
