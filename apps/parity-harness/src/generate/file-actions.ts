import fc from 'fast-check';
import { patternInstance, trickyString, type Action } from './building-blocks.js';
import type { PackProfile } from './profile.js';

export const PATH_FORMS = [
  'plain',
  './',
  'trailing/',
  'inner//',
  'inner/./',
  '../',
  '/..',
  '//root',
  '///root',
  '/.',
] as const;
export function pathForm(path: string, form: (typeof PATH_FORMS)[number]): string {
  switch (form) {
    case './':
      return './' + path;
    case 'trailing/':
      return path + '/';
    case 'inner//':
      return path.replace('/', '//');
    case 'inner/./':
      return path.replace('/', '/./');
    case '../':
      return '../' + path;
    case '/..':
      return path + '/..';
    case '//root':
      return '//' + path;
    case '///root':
      return '///' + path;
    case '/.':
      return path + '/.';
    default:
      return path;
  }
}

export function fileAction(profile: PackProfile, action: 'read_file' | 'write_file'): fc.Arbitrary<Action> {
  const listed =
    action === 'read_file' ? profile.blockRead : [...profile.blockWrite, ...profile.approvalWrite];
  return fc
    .record({
      base: fc.oneof(
        { weight: 4, arbitrary: patternInstance(listed) },
        { weight: 1, arbitrary: trickyString },
      ),
      form: fc.constantFrom(...PATH_FORMS),
    })
    .map(({ base, form }) => ({ request: { action_type: action, target: pathForm(base, form) } }));
}
