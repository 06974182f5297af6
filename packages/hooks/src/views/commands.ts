// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- mvdan-sh ships no types; ours are beside this file
/// <reference path="./mvdan-sh.d.ts" />
import type { ShNode, ShSyntax } from 'mvdan-sh';

/** One simple command of a (possibly compound) shell command line. */
export interface SimpleCommand {
  /** The words with quotes removed where they are plain text; expansions keep their source text. */
  words: string[];
  /** The command's own source text (assignments and redirections included). */
  source: string;
}

export interface CommandViews {
  /** What to decide, whole command first (Python's view), then each simple command; no duplicates. */
  views: string[];
  simpleCommands: SimpleCommand[];
  /** Why (part of) the command could not be parsed; such a command must never be allowed. */
  unparsed?: string;
}

/** What the shell-parser package exports (mvdan-sh's module), or a loader of it. */
export interface ShellParserModule {
  syntax: ShSyntax;
}
export type ShellParserLoader = () => ShellParserModule | Promise<ShellParserModule>;

const importShellParser: ShellParserLoader = async () => ({ syntax: (await import('./shell-parser.js')).shellSyntax });

let loading: Promise<ShSyntax> | undefined;

/**
 * mvdan/sh's parser (the Go shell parser behind shfmt, compiled to JavaScript), loaded on first
 * use, once per process: only shell tool calls pay for it. `load` replaces the module import
 * (the CLI loads the same file with a V8 code cache).
 */
export function loadShellSyntax(load: ShellParserLoader = importShellParser): Promise<ShSyntax> {
  loading ??= (async () => {
    // The GopherJS runtime sets an unlimited stack-trace limit for the whole process; keep ours.
    const limit = Error.stackTraceLimit;
    try {
      return (await load()).syntax;
    } finally {
      Error.stackTraceLimit = limit;
    }
  })();
  return loading;
}

const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'mksh', 'ash', 'busybox']);
/** Commands that run their arguments as a command: each also yields the view without them. */
const WRAPPERS = new Set(['sudo', 'doas', 'env', 'nohup', 'time', 'nice', 'exec', 'command', 'builtin', 'timeout', 'stdbuf', 'xargs', 'ionice', 'setsid']);
/** Options of the wrappers above that take a separate value. */
const WRAPPER_VALUE_OPTIONS = new Set(['-u', '-g', '-n', '-s', '-k', '-C', '-h', '-p', '-U', '-E', '-I', '-L', '-P', '-d', '-a', '-c']);
const MAX_NESTING = 4;

function basename(word: string): string {
  return word.slice(word.lastIndexOf('/') + 1);
}

class SourceText {
  private readonly bytes: Buffer;
  constructor(text: string) {
    this.bytes = Buffer.from(text, 'utf8');
  }
  /** mvdan/sh reports byte offsets into the UTF-8 source. */
  of(node: ShNode): string {
    return this.bytes.subarray(node.Pos().Offset(), node.End().Offset()).toString('utf8');
  }
}

function wordText(syntax: ShSyntax, source: SourceText, word: ShNode): string {
  const parts = (word.Parts as ShNode[] | undefined) ?? [];
  return parts.map((part) => partText(syntax, source, part)).join('');
}

function partText(syntax: ShSyntax, source: SourceText, part: ShNode): string {
  switch (syntax.NodeType(part)) {
    case 'Lit':
      return String(part.Value);
    case 'SglQuoted':
      return String(part.Value);
    case 'DblQuoted':
      return ((part.Parts as ShNode[] | undefined) ?? []).map((inner) => partText(syntax, source, inner)).join('');
    default:
      // Expansions ($x, $(...), `...`, globs, ...) stay as written: the words around them still count.
      return source.of(part);
  }
}

/** The words of a wrapped command (`sudo -u x terraform apply` → `terraform apply`), if any. */
function unwrap(words: readonly string[]): string[] | undefined {
  let index = 0;
  let unwrapped = false;
  while (index < words.length && WRAPPERS.has(basename(words[index] as string))) {
    const wrapper = basename(words[index] as string);
    index++;
    unwrapped = true;
    while (index < words.length) {
      const word = words[index] as string;
      if (word === '--') {
        index++;
        break;
      }
      if (word.startsWith('-')) {
        index += WRAPPER_VALUE_OPTIONS.has(word) ? 2 : 1;
        continue;
      }
      if (wrapper === 'env' && /^[A-Za-z_][A-Za-z0-9_]*=/.test(word)) {
        index++;
        continue;
      }
      if (wrapper === 'timeout' && /^[0-9.]+[smhd]?$/.test(word)) {
        index++;
        continue;
      }
      break;
    }
  }
  return unwrapped && index < words.length ? words.slice(index) : undefined;
}

/** The script of `bash -c SCRIPT` / `sh -lc SCRIPT` / `eval WORDS`, to be parsed in turn. */
function nestedScript(words: readonly string[]): string | undefined {
  const head = words[0];
  if (head === undefined) return undefined;
  if (head === 'eval') return words.slice(1).join(' ');
  if (!SHELLS.has(basename(head))) return undefined;
  for (let i = 1; i < words.length; i++) {
    const word = words[i] as string;
    if (!word.startsWith('-')) return undefined;
    if (/^-[a-zA-Z]*c[a-zA-Z]*$/.test(word)) return words[i + 1];
  }
  return undefined;
}

function collect(
  syntax: ShSyntax,
  command: string,
  depth: number,
  out: { views: string[]; simpleCommands: SimpleCommand[]; unparsed?: string },
): void {
  let file: ShNode;
  try {
    file = syntax.NewParser().Parse(command, '');
  } catch (error) {
    out.unparsed ??= parseErrorMessage(error);
    return;
  }
  const source = new SourceText(command);
  syntax.Walk(file, (node) => {
    if (node === null || syntax.NodeType(node) !== 'CallExpr') return true;
    const args = (node.Args as ShNode[] | undefined) ?? [];
    if (args.length === 0) return true; // assignments only (x=$(...)): the substitution is walked on its own
    const words = args.map((word) => wordText(syntax, source, word));
    const simple: SimpleCommand = { words, source: source.of(node) };
    out.simpleCommands.push(simple);
    out.views.push(simple.source, words.join(' '));
    const inner = unwrap(words);
    if (inner) {
      out.simpleCommands.push({ words: inner, source: simple.source });
      out.views.push(inner.join(' '));
    }
    const script = nestedScript(inner ?? words);
    if (script !== undefined) {
      if (depth >= MAX_NESTING) out.unparsed ??= 'shell commands nested too deeply';
      else collect(syntax, script, depth + 1, out);
    }
    return true;
  });
}

function parseErrorMessage(error: unknown): string {
  const described = error as { message?: unknown; Error?: () => string } | null;
  if (typeof described?.Error === 'function') return String(described.Error());
  if (typeof described?.message === 'string' && described.message !== '') return described.message;
  return 'the shell parser rejected the command';
}

/**
 * The views of one shell command: the whole string as Python matches it, then every simple
 * command of it (`&&`, `||`, `;`, `|`, newlines, subshells, `$(...)`, backquotes, functions,
 * `bash -c`/`eval` scripts), each as written and with quotes removed, and without wrappers
 * such as `sudo`/`env`/`timeout`. A command that cannot be parsed keeps its whole-string view
 * and reports `unparsed`.
 */
export function commandViews(command: string, syntax: ShSyntax): CommandViews {
  const out: { views: string[]; simpleCommands: SimpleCommand[]; unparsed?: string } = {
    views: [command],
    simpleCommands: [],
  };
  collect(syntax, command, 0, out);
  const views = [...new Set(out.views.filter((view) => view.trim() !== ''))];
  return { views: views.length > 0 ? views : [command], simpleCommands: out.simpleCommands, ...(out.unparsed !== undefined ? { unparsed: out.unparsed } : {}) };
}
