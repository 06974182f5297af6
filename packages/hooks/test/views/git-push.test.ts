import { describe, expect, it } from 'vitest';
import { gitPush } from '../../src/views/git-push.js';

const push = (command: string, branch?: string) => gitPush(command.split(' '), branch);

describe('gitPush', () => {
  it.each([
    ['git push origin main', ['main']],
    ['git push origin HEAD:main', ['main']],
    ['git push origin +main', ['main']],
    ['git push origin refs/heads/main', ['main']],
    ['git push origin HEAD:refs/heads/main', ['main']],
    ['git push -f origin main', ['main']],
    ['git push --force origin feature', ['feature']],
    ['git push --force-with-lease origin main', ['main']],
    ['git push origin :main', ['main']],
    ['git push origin a b', ['a', 'b']],
    ['git push -o ci.skip origin main', ['main']],
    ['git -C repo push origin main', ['main']],
    ['git push --repo=origin main', ['main']],
  ])('%s → %j', (command, targets) => {
    expect(push(command)?.targets).toEqual(targets);
  });

  it('without refspec pushes the current branch', () => {
    expect(push('git push', 'main')?.targets).toEqual(['main']);
    expect(push('git push origin', 'dev')?.targets).toEqual(['dev']);
    expect(push('git push origin HEAD', 'main')?.targets).toEqual(['main']);
  });

  it('without a known current branch names HEAD', () => {
    expect(push('git push')?.targets).toEqual(['HEAD']);
  });

  it('asks for review of --all and --mirror', () => {
    expect(push('git push --all origin')?.review).toMatch(/--all/);
    expect(push('git push --mirror')?.review).toMatch(/--mirror/);
  });

  it('is not a push otherwise', () => {
    expect(push('git status')).toBeUndefined();
    expect(push('echo git push')).toBeUndefined();
    expect(gitPush([])).toBeUndefined();
  });
});
