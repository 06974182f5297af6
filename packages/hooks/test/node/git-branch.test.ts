import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { currentGitBranch } from '../../src/node/index.js';

const root = mkdtempSync(join(tmpdir(), 'cavra-branch-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('currentGitBranch', () => {
  it('reads the branch from .git/HEAD', () => {
    mkdirSync(join(root, 'repo/.git'), { recursive: true });
    writeFileSync(join(root, 'repo/.git/HEAD'), 'ref: refs/heads/feature/x\n');
    expect(currentGitBranch(join(root, 'repo'))).toBe('feature/x');
  });

  it('follows a worktree .git file', () => {
    mkdirSync(join(root, 'common/worktrees/wt'), { recursive: true });
    writeFileSync(join(root, 'common/worktrees/wt/HEAD'), 'ref: refs/heads/main\n');
    mkdirSync(join(root, 'wt'));
    writeFileSync(join(root, 'wt/.git'), `gitdir: ${join(root, 'common/worktrees/wt')}\n`);
    expect(currentGitBranch(join(root, 'wt'))).toBe('main');
  });

  it('knows no branch for a detached HEAD or no repository', () => {
    mkdirSync(join(root, 'detached/.git'), { recursive: true });
    writeFileSync(join(root, 'detached/.git/HEAD'), '0123456789abcdef0123456789abcdef01234567\n');
    expect(currentGitBranch(join(root, 'detached'))).toBeUndefined();
    expect(currentGitBranch(join(root, 'nothing-here'))).toBeUndefined();
  });
});
