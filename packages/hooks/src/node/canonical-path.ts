import { realpathSync } from 'node:fs';
import { posix } from 'node:path';

/**
 * The canonical real path of an absolute path: walked one component at a time, so that each
 * existing prefix is resolved through its symlinks before `..` applies (as the file system
 * does); the part that does not exist yet is appended lexically (`..` collapsed).
 */
export function canonicalPath(absolute: string): string {
  const parts = absolute.split('/').filter((part) => part !== '' && part !== '.');
  let current = '/';
  let index = 0;
  for (; index < parts.length; index++) {
    const part = parts[index] as string;
    if (part === '..') {
      current = posix.dirname(current);
      continue;
    }
    try {
      current = realpathSync(posix.join(current, part));
    } catch {
      break; // does not exist (or cannot be read): the rest is taken as written
    }
  }
  return posix.resolve(current, ...parts.slice(index));
}
