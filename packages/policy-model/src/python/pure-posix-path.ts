// A path needs work iff it has an empty or "." segment (leading "/" and "//" roots included).
const NEEDS_NORMALIZATION = /(?:^|\/)\.?(?:\/|$)/;

/**
 * Python's `str(pathlib.PurePosixPath(s))`, purely on the string: empty and `.` segments are
 * dropped, `..` is kept (no collapsing), a trailing `/` goes, exactly two leading slashes stay
 * `//` (one or three-plus become `/`), and an empty result is `.`.
 *
 * Not `path.posix.normalize`, which collapses `..` and keeps a trailing `/`. See
 * docs/python-compatibility.md, "Paths".
 */
export function pyPathString(path: string): string {
  if (!NEEDS_NORMALIZATION.test(path)) return path;
  const root = path.startsWith('/') ? (path.startsWith('//') && !path.startsWith('///') ? '//' : '/') : '';
  const parts = path.split('/').filter((part) => part !== '' && part !== '.');
  const out = root + parts.join('/');
  return out === '' ? '.' : out;
}
