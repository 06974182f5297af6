import { Lexer } from 'yaml';

// The `yaml` lexer's control tokens take no room in the source.
const CONTROL = new Set(['\x02', '\x18', '\x1f']);

/**
 * PyYAML's scanner skips only spaces between tokens and ends plain scalars at a tab, so a tab
 * anywhere outside quoted scalars, comments and block-scalar content raises
 * `ScannerError: found character '\t' that cannot start any token`. The `yaml` package accepts
 * most of those tabs, so find the first one PyYAML would reject. Returns its offset or -1.
 */
export function findRejectedTab(source: string): number {
  if (!source.includes('\t')) return -1;
  let offset = 0;
  let afterMarker = false;
  let blockHeader = false;
  for (const token of new Lexer().lex(source)) {
    if (CONTROL.has(token)) {
      if (token === '\x1f') afterMarker = true;
      continue;
    }
    const start = offset;
    offset += token.length;
    const tab = token.indexOf('\t');
    const first = token[0];
    if (afterMarker && blockHeader) {
      const bad = blockContentTab(token);
      if (bad >= 0) return start + bad;
    } else if (tab >= 0 && first !== '"' && first !== "'" && first !== '#') {
      return start + tab;
    }
    if (first === '|' || first === '>') blockHeader = true;
    else if (afterMarker || (first !== '\n' && first !== ' ' && first !== '\t' && first !== '#')) blockHeader = false;
    afterMarker = false;
  }
  return -1;
}

/**
 * In block-scalar content a tab is text once a line has reached the block's indentation; a tab
 * before that ends the scalar in PyYAML and is then rejected as a token.
 */
function blockContentTab(content: string): number {
  const lines = content.split('\n');
  const firstText = lines.find((line) => /[^ ]/.test(line));
  const indent = Math.max(1, firstText ? (/^ */.exec(firstText) as RegExpExecArray)[0].length : 0);
  let offset = 0;
  for (const line of lines) {
    const spaces = (/^ */.exec(line) as RegExpExecArray)[0].length;
    if (spaces < indent && line[spaces] === '\t') return offset + spaces;
    offset += line.length + 1;
  }
  return -1;
}
