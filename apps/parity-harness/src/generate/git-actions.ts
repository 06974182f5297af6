import fc from 'fast-check';
import { absentOr, filler, type Action } from './building-blocks.js';

const GIT_OPERATIONS = ['push', 'push', 'pull', 'fetch', 'merge', 'Push', '', 'push '];
const BRANCHES = [
  'origin/main',
  'main',
  'master',
  'feature/remain',
  'feature/remaster',
  'origin/Main',
  'main ',
  'origin/main/',
  'main\n',
  'release',
  'dev',
  'agent/x',
];

export const gitAction: fc.Arbitrary<Action> = fc
  .record({
    operation: absentOr(fc.constantFrom(...GIT_OPERATIONS), 2),
    target: absentOr(
      fc.oneof(
        fc.constantFrom(...BRANCHES),
        fc
          .tuple(filler, fc.constantFrom('main', 'master', 'mai', '', 'Main', 'main/', 'maín'))
          .map(([a, b]) => a + b),
      ),
      1,
    ),
  })
  .map(({ operation, target }) => {
    const request: Record<string, string> = { action_type: 'git_operation' };
    if (target !== undefined) request.target = target;
    if (operation !== undefined) request.operation = operation;
    return { request };
  });
