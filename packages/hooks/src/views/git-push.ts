export interface GitPush {
  /** Destination branches, `refs/heads/` removed. */
  targets: string[];
  /** Set when the push names no single branch set we can decide (`--all`, `--mirror`). */
  review?: string;
}

/** `git` options that take a separate value, before the subcommand. */
const GIT_VALUE_OPTIONS = new Set(['-C', '-c', '--git-dir', '--work-tree', '--namespace', '--exec-path', '--config-env']);
/** `git push` options that take a separate value. */
const PUSH_VALUE_OPTIONS = new Set(['-o', '--push-option', '--repo', '--receive-pack', '--exec']);

function basename(word: string): string {
  return word.slice(word.lastIndexOf('/') + 1);
}

/** The branch a refspec's destination names: `+src:dst` → dst, `src` → src, `refs/heads/x` → x. */
function destination(refspec: string, currentBranch: string | undefined): string {
  let spec = refspec.startsWith('+') ? refspec.slice(1) : refspec;
  const colon = spec.indexOf(':');
  if (colon !== -1) spec = spec.slice(colon + 1) || spec.slice(0, colon);
  if (spec === 'HEAD' || spec === '@') return currentBranch ?? 'HEAD';
  return spec.startsWith('refs/heads/') ? spec.slice('refs/heads/'.length) : spec;
}

/**
 * The destination branches of a `git push` simple command, or `undefined` when the words are
 * not a push. Refspecs: `main`, `+main`, `HEAD:main`, `refs/heads/main`, `:main` (delete);
 * force flags change nothing here. No refspec means the current branch (`currentBranch`, or
 * `HEAD` when it is not known).
 */
export function gitPush(words: readonly string[], currentBranch?: string): GitPush | undefined {
  if (words.length === 0 || basename(words[0] as string) !== 'git') return undefined;
  let index = 1;
  while (index < words.length && (words[index] as string).startsWith('-')) {
    const option = words[index] as string;
    index += GIT_VALUE_OPTIONS.has(option) ? 2 : 1;
  }
  if (words[index] !== 'push') return undefined;
  index++;
  const positionals: string[] = [];
  let review: string | undefined;
  for (; index < words.length; index++) {
    const word = words[index] as string;
    if (word === '--') {
      positionals.push(...words.slice(index + 1));
      break;
    }
    if (word === '--all' || word === '--mirror' || word === '--branches') review = `git push ${word} pushes every branch`;
    if (word.startsWith('--repo=')) {
      positionals.unshift(word.slice('--repo='.length));
      continue;
    }
    if (word.startsWith('-')) {
      if (PUSH_VALUE_OPTIONS.has(word)) index++;
      continue;
    }
    positionals.push(word);
  }
  const refspecs = positionals.slice(1);
  const targets =
    refspecs.length === 0 ? [currentBranch ?? 'HEAD'] : refspecs.map((spec) => destination(spec, currentBranch));
  return { targets: [...new Set(targets)], ...(review !== undefined ? { review } : {}) };
}
