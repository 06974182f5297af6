import { Lexer } from 'yaml';
import { closingQuote } from './quoted.js';

const CONTROL = new Set(['\x02', '\x18', '\x1f']);

/**
 * PyYAML ignores indentation inside flow collections; the `yaml` package wants their lines
 * indented past the enclosing block node (`key: [\n  a]` under a key at column 2 fails). Leading
 * whitespace inside a flow collection carries no meaning, so indenting such lines one column
 * past the line that opened the collection lets `yaml` read what PyYAML reads.
 * Returns the adjusted text, or undefined if nothing needed changing.
 */
export function indentFlowContinuations(source: string): string | undefined {
  let text = source;
  let from = 0;
  let changed = false;
  for (let guard = 0; guard < 10_000; guard++) {
    const fix = firstUnderIndentedFlow(text, from);
    if (!fix) break;
    text = fix.text;
    from = fix.resumeAt;
    changed = true;
  }
  return changed ? text : undefined;
}

function firstUnderIndentedFlow(text: string, from: number): { text: string; resumeAt: number } | undefined {
  let offset = 0;
  let depth = 0;
  for (const token of new Lexer().lex(text)) {
    if (CONTROL.has(token)) continue;
    const start = offset;
    offset += token.length;
    if (token === '[' || token === '{') depth++;
    else if (token === ']' || token === '}') depth = Math.max(0, depth - 1);
    if (depth !== 1 || (token !== '[' && token !== '{') || start < from) continue;
    const end = flowEnd(text, start);
    if (end < 0) return undefined;
    const lineStart = text.lastIndexOf('\n', start - 1) + 1;
    const minIndent = (/^ */.exec(text.slice(lineStart)) as RegExpExecArray)[0].length + 1;
    const lines = text.slice(start, end).split('\n');
    const fixed = lines.map((line, i) => {
      // Document markers end the collection in PyYAML too; leave them for the error.
      if (i === 0 || /^(?:---|\.\.\.)(?:[ \t]|$)/.test(line)) return line;
      const indent = (/^ */.exec(line) as RegExpExecArray)[0].length;
      return indent >= minIndent ? line : ' '.repeat(minIndent - indent) + line;
    });
    const replaced = fixed.join('\n');
    if (replaced === lines.join('\n')) {
      depth = 0;
      continue;
    }
    return { text: text.slice(0, start) + replaced + text.slice(end), resumeAt: start + replaced.length };
  }
  return undefined;
}

/** Offset just past the bracket closing the flow collection opened at `start`, or -1. */
function flowEnd(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    const before = i > 0 ? text[i - 1] : '\n';
    if (ch === '[' || ch === '{') depth++;
    else if (ch === ']' || ch === '}') {
      depth--;
      if (depth === 0) return i + 1;
    } else if ((ch === '"' || ch === "'") && /[\s[{,:]/.test(before as string)) {
      i = closingQuote(text, i);
      if (i < 0) return -1;
    } else if (ch === '#' && /\s/.test(before as string)) {
      const eol = text.indexOf('\n', i);
      if (eol < 0) return -1;
      i = eol - 1;
    }
  }
  return -1;
}
