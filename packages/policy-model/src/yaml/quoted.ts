import { Lexer } from 'yaml';

const CONTROL = new Set(['\x02', '\x18', '\x1f']);

/**
 * PyYAML lets the continuation lines of a multi-line quoted scalar start at any column; the
 * `yaml` package (YAML 1.2) wants them indented past the parent node and otherwise reports a
 * missing closing quote. Folding drops leading whitespace of continuation lines, so indenting
 * them to the opening quote's column keeps the value and lets `yaml` read what PyYAML reads.
 * Returns the adjusted text, or undefined if nothing needed changing.
 */
export function indentQuotedContinuations(source: string): string | undefined {
  let text = source;
  let from = 0;
  let changed = false;
  // Each fix can change how the rest lexes, so lex again after every change.
  for (let guard = 0; guard < 10_000; guard++) {
    const fix = firstUnderIndentedQuote(text, from);
    if (!fix) break;
    text = fix.text;
    from = fix.resumeAt;
    changed = true;
  }
  return changed ? text : undefined;
}

function firstUnderIndentedQuote(text: string, from: number): { text: string; resumeAt: number } | undefined {
  let offset = 0;
  for (const token of new Lexer().lex(text)) {
    if (CONTROL.has(token)) continue;
    const start = offset;
    offset += token.length;
    const quote = token[0];
    if (start < from || (quote !== '"' && quote !== "'")) continue;
    const end = closingQuote(text, start);
    if (end < 0) return undefined;
    if (!text.slice(start, end).includes('\n')) continue;
    const column = start - (text.lastIndexOf('\n', start - 1) + 1);
    const lines = text.slice(start, end).split('\n');
    const fixed = lines.map((line, i) => {
      if (i === 0 || /^(?:---|\.\.\.)(?:[ \t]|$)/.test(line)) return line;
      const indent = (/^[ \t]*/.exec(line) as RegExpExecArray)[0].length;
      return indent >= column ? line : ' '.repeat(column - indent) + line;
    });
    const replaced = fixed.join('\n');
    if (replaced === lines.join('\n')) continue;
    return { text: text.slice(0, start) + replaced + text.slice(end), resumeAt: start + replaced.length };
  }
  return undefined;
}

/** Offset of the closing quote of the quoted scalar opening at `start`, or -1. */
export function closingQuote(text: string, start: number): number {
  const quote = text[start];
  for (let i = start + 1; i < text.length; i++) {
    const ch = text[i];
    if (quote === '"' && ch === '\\') i++;
    else if (ch === quote) {
      if (quote === "'" && text[i + 1] === "'") i++;
      else return i;
    }
  }
  return -1;
}
