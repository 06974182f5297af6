import { posix } from 'node:path';
import { readRegularFile } from '@cavra/policy-model/node';

const MAX_GIT_FILE_BYTES = 64 * 1024;

function read(path: string): string | undefined {
  try {
    return readRegularFile(path, MAX_GIT_FILE_BYTES).toString('utf8');
  } catch {
    return undefined;
  }
}

/**
 * The branch checked out in the repository at `projectRoot` (`.git/HEAD`, or the `gitdir:` a
 * worktree's `.git` file points to), or `undefined` (not a repository, detached HEAD).
 */
export function currentGitBranch(projectRoot: string): string | undefined {
  let gitDir = posix.join(projectRoot, '.git');
  const pointer = read(gitDir);
  if (pointer !== undefined) {
    const match = /^gitdir: (.+)$/m.exec(pointer);
    if (!match) return undefined;
    gitDir = posix.resolve(projectRoot, (match[1] as string).trim());
  }
  const head = read(posix.join(gitDir, 'HEAD'));
  const ref = head === undefined ? undefined : /^ref: refs\/heads\/(.+)$/m.exec(head.trim());
  return ref?.[1];
}
