/**
 * Python `re.search(pattern, s)` for the JSON Schema `pattern` keyword.
 *
 * Only the differences that matter for schema patterns are translated: Python's `$` (without
 * MULTILINE) also matches just before one final `\n`, so `^cavra-[a-z0-9-]+$` accepts
 * `"cavra-x\n"`; `\Z` and `\A` are Python's absolute anchors. The `u` flag makes `.` and
 * classes work on code points, as Python's `str` patterns do.
 */
const cache = new Map<string, RegExp>();

export function translatePythonPattern(pattern: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === '\\') {
      const next = pattern[i + 1] ?? '';
      i++;
      if (!inClass && next === 'Z') out += '$';
      else if (!inClass && next === 'A') out += '^';
      else out += ch + next;
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
      out += ch;
      continue;
    }
    if (ch === '[') {
      inClass = true;
      out += ch;
      // A `]` right after `[` or `[^` is a literal in Python.
      if (pattern[i + 1] === '^') out += pattern[++i] as string;
      if (pattern[i + 1] === ']') {
        out += '\\]';
        i++;
      }
      continue;
    }
    out += ch === '$' ? '(?=\\n?$)' : ch;
  }
  return out;
}

export function pythonSearch(pattern: string, text: string): boolean {
  let re = cache.get(pattern);
  if (!re) {
    re = new RegExp(translatePythonPattern(pattern), 'u');
    cache.set(pattern, re);
  }
  return re.test(text);
}
