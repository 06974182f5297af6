import { posix } from 'node:path';

export interface PathContext {
  /** The project root (absolute). Paths are decided relative to it. */
  projectRoot: string;
  /** The directory a relative path is relative to (the agent's working directory). */
  cwd: string;
  /**
   * The canonical real path of an absolute path: symlinks resolved along the longest existing
   * prefix, the rest appended (`@cavra/hooks/node` has the file-system one). Absent: lexical only.
   */
  realpath?: (absolute: string) => string;
}

/** `absolute` relative to `root` (`.` for the root itself); a path outside the root stays absolute. */
export function relativeToRoot(absolute: string, root: string): string {
  const relative = posix.relative(root, absolute);
  if (relative === '') return '.';
  if (relative === '..' || relative.startsWith('../') || posix.isAbsolute(relative)) return absolute;
  return relative;
}

/**
 * The views of one path: the path as the agent gave it when it is relative (what Python would
 * see), the path relative to the project root, and its canonical real path (`..` collapsed,
 * symlinks resolved) relative to the project root's real path. Paths outside the project stay
 * absolute. No duplicates, in that order.
 */
export function pathViews(given: string, context: PathContext): string[] {
  const views: string[] = [];
  if (!posix.isAbsolute(given)) views.push(given);
  const absolute = posix.resolve(context.cwd, given);
  views.push(relativeToRoot(absolute, context.projectRoot));
  if (context.realpath) {
    const root = context.realpath(posix.resolve(context.projectRoot));
    // Not normalised first: `link/../x` is resolved through the link, as the file system does.
    const joined = posix.isAbsolute(given) ? given : `${context.cwd}/${given}`;
    views.push(relativeToRoot(context.realpath(joined), root));
  }
  return [...new Set(views)];
}
