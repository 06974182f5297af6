import { parseAllDocuments, type Document, type EmptyStream, type YAMLError } from 'yaml';
import type { PyValue } from '../python/value.js';
import { checkAliasExpansion } from './alias-expansion.js';
import { MAX_DEPTH, composeDocument, type MarkAt } from './compose.js';
import { constructDocument } from './construct.js';
import { PyYamlError, type PyYamlMark } from './errors.js';
import { indentFlowContinuations } from './flow.js';
import { indentQuotedContinuations } from './quoted.js';
import { findRejectedTab } from './tabs.js';

/**
 * Load YAML text exactly as Python's PyYAML 6.0 `yaml.safe_load(open(path, encoding="utf-8").read())`
 * does (YAML 1.1 scalars, merge keys, duplicate keys, single document). An empty stream gives
 * `null`. Failures throw `PyYamlError` naming the Python exception class.
 */
export function loadPyYaml(input: string): PyValue {
  try {
    return load(input);
  } catch (error) {
    // Very deep nesting overflows the JS stack where PyYAML hits Python's recursion limit.
    if (error instanceof RangeError && /call stack/i.test(error.message)) {
      throw new PyYamlError('RecursionError', 'maximum recursion depth exceeded');
    }
    throw error;
  }
}

function load(input: string): PyValue {
  // Python's text mode turns "\r\n" and a lone "\r" into "\n" before PyYAML sees the text.
  const source = input.replace(/\r\n?/g, '\n');
  const markAt = markFinder(source);
  checkPrintable(source, markAt);
  // PyYAML's scanner skips a BOM at index 0 only; marks still count it.
  const bom = source.startsWith('\uFEFF') ? 1 : 0;
  const body = source.slice(bom);
  const bodyMarkAt: MarkAt = (offset) => markAt(offset + bom);

  // The `yaml` parser can crash the process on extreme flow nesting; PyYAML gives up far earlier.
  if (flowDepthExceeds(body, MAX_DEPTH)) throw new PyYamlError('RecursionError', 'maximum recursion depth exceeded');
  let text = body;
  let docs = parseYaml(text);
  // Re-indent lines whose indentation PyYAML ignores but `yaml` rejects, then parse again.
  for (const [symptom, reindent] of REINDENTERS) {
    if (!docs.some((doc) => doc.errors.some((error) => symptom.test(error.message)))) continue;
    const indented = reindent(text);
    if (indented !== undefined) {
      text = indented;
      docs = parseYaml(text);
    }
  }
  const streamErrors = 'empty' in docs ? docs.errors : [];
  const firstError = [...streamErrors, ...(docs[0]?.errors ?? [])]
    .filter((error) => !PYYAML_ACCEPTS.test(error.message))
    .sort((a, b) => a.pos[0] - b.pos[0])[0];
  const tab = findRejectedTab(text);
  // PyYAML stops at the first bad token; it never scans past the start of a second document.
  if (tab >= 0 && tab < (firstError?.pos[0] ?? Infinity) && tab < (docs[1]?.range[0] ?? Infinity)) {
    throw new PyYamlError('ScannerError', {
      context: 'while scanning for the next token',
      problem: "found character '\\t' that cannot start any token",
      problemMark: bodyMarkAt(tab),
    });
  }
  if (firstError) throw fromYamlError(firstError, bodyMarkAt);
  const first = docs[0];
  const leadingEnd = /^(?:[ \t]*(?:#.*)?\n)*\.\.\.(?=[ \t\n]|$)/.exec(text);
  if (leadingEnd) {
    // `...` before any document: PyYAML starts an implicit document and finds no node.
    throw new PyYamlError('ParserError', {
      context: 'while parsing a block node',
      problem: "expected the node content, but found '<document end>'",
      problemMark: bodyMarkAt(leadingEnd[0].length - 3),
    });
  }
  if (!first) {
    // A stream of only directives has no document PyYAML can parse.
    if ('empty' in docs && /^\s*%/m.test(text)) {
      throw new PyYamlError('ParserError', {
        problem: "expected '<document start>', but found '<stream end>'",
        problemMark: bodyMarkAt(body.length),
      });
    }
    return null;
  }

  const version = /^%YAML[ \t]+(\d+)\./m.exec(text.slice(0, first.range[0]));
  if (version && version[1] !== '1') {
    throw new PyYamlError('ParserError', {
      problem: 'found incompatible YAML document (version 1.* is required)',
      problemMark: bodyMarkAt(version.index),
    });
  }
  const root = composeDocument(first.contents, text, bodyMarkAt, first.range[0]);
  const second = docs[1];
  if (second) {
    if (second.directives.docStart !== true) {
      // After `...`, PyYAML requires an explicit `---` before another document.
      throw new PyYamlError('ParserError', {
        problem: "expected '<document start>', but found another node",
        problemMark: bodyMarkAt(second.range[0]),
      });
    }
    throw new PyYamlError('ComposerError', {
      context: 'expected a single document in the stream',
      contextMark: bodyMarkAt(first.range[0]),
      problem: 'but found another document',
      problemMark: bodyMarkAt(second.range[0]),
    });
  }
  checkAliasExpansion(root);
  return constructDocument(root, bodyMarkAt);
}

const REINDENTERS: ReadonlyArray<readonly [RegExp, (text: string) => string | undefined]> = [
  [/^Missing closing .?quote/, indentQuotedContinuations],
  [/^Flow (?:sequence|map) in block collection must be sufficiently indented/, indentFlowContinuations],
];

const parseYaml = (text: string): Document.Parsed[] | EmptyStream =>
  parseAllDocuments(text, {
    schema: 'failsafe',
    uniqueKeys: false,
    merge: false,
    version: '1.1',
    keepSourceTokens: true,
  });

/** A cheap upper bound on flow nesting (quotes and comments are not skipped, so it may over-count). */
function flowDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if ((c === 0x5d || c === 0x7d) && depth > 0) depth--;
  }
  return false;
}

/** PyYAML `Reader.NON_PRINTABLE`: everything outside these ranges is an "unacceptable character". */
function isPrintable(cp: number): boolean {
  return (
    cp === 0x09 ||
    cp === 0x0a ||
    cp === 0x0d ||
    (cp >= 0x20 && cp <= 0x7e) ||
    cp === 0x85 ||
    (cp >= 0xa0 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

function checkPrintable(text: string, markAt: MarkAt): void {
  if (!/[^\t\n\r\x20-\x7e]/.test(text)) return;
  let position = 0; // in code points, as Python indexes a str
  for (let i = 0; i < text.length; position++) {
    const cp = text.codePointAt(i) as number;
    if (!isPrintable(cp)) {
      const mark = markAt(i);
      throw new PyYamlError('ReaderError', {
        problem: `unacceptable character #x${cp.toString(16).padStart(4, '0')}: special characters are not allowed`,
        problemMark: { ...mark, index: position },
      });
    }
    i += cp > 0xffff ? 2 : 1;
  }
}

function markFinder(text: string): MarkAt {
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  return (offset: number): PyYamlMark => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((lineStarts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { index: offset, line: lo, column: offset - (lineStarts[lo] as number) };
  };
}

/*
 * Best-effort mapping of `yaml` syntax errors onto the PyYAML stage that rejects the same text
 * (token-level problems are the scanner's, structural ones the parser's), tuned on mutated
 * packs checked against PyYAML 6.0.
 */
const SCANNER_CODES = new Set<string>([
  'BAD_DQ_ESCAPE',
  'TAB_AS_INDENT',
  'KEY_OVER_1024_CHARS',
  'MULTILINE_IMPLICIT_KEY',
  'BAD_DIRECTIVE',
  'BAD_ALIAS',
]);
const SCANNER_MESSAGES =
  /^(?:Nested mappings are not allowed in compact mappings|Implicit map keys need to be followed by map values|Missing closing .?quote|Plain value cannot start with (?:reserved|directive|block scalar)|Unexpected (?:block-seq-ind|explicit-key-ind))/;

/**
 * A `yaml` error that PyYAML does not raise: it lets a comment follow a flow indicator or a
 * quoted scalar without a space. `yaml` still builds the same nodes, so the error is dropped.
 */
const PYYAML_ACCEPTS = /^Comments must be separated from other tokens by white space characters/;

function fromYamlError(error: YAMLError, markAt: MarkAt): PyYamlError {
  const message = error.message.split('\n')[0] ?? error.message;
  if (error.code === 'RESOURCE_EXHAUSTION') return new PyYamlError('RecursionError', 'maximum recursion depth exceeded');
  if (error.code === 'TAB_AS_INDENT') {
    return new PyYamlError('ScannerError', {
      context: 'while scanning for the next token',
      problem: "found character '\\t' that cannot start any token",
      problemMark: markAt(error.pos[0]),
    });
  }
  const scanner = SCANNER_CODES.has(error.code) || SCANNER_MESSAGES.test(message);
  const pythonType = scanner ? 'ScannerError' : 'ParserError';
  return new PyYamlError(pythonType, {
    problem: `${message.replace(/ at line \d+, column \d+:?$/, '')} [yaml ${error.code}]`,
    problemMark: markAt(error.pos[0]),
  });
}
