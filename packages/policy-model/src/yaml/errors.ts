/** A position in the loaded text, 0-based like PyYAML's `Mark` (printed 1-based). */
export interface PyYamlMark {
  readonly index: number;
  readonly line: number;
  readonly column: number;
}

export interface PyYamlErrorParts {
  context?: string | undefined;
  contextMark?: PyYamlMark | undefined;
  problem: string;
  problemMark?: PyYamlMark | undefined;
}

const markText = (mark: PyYamlMark): string => `  in "<unicode string>", line ${mark.line + 1}, column ${mark.column + 1}`;

/**
 * What `yaml.safe_load` raises. `pythonType` is the Python exception class (`ScannerError`,
 * `ParserError`, `ComposerError`, `ConstructorError`, `ReaderError`, or a builtin such as
 * `ValueError` that PyYAML lets escape from its constructors). The message follows PyYAML's
 * `MarkedYAMLError.__str__` layout, so its first line is what a Python traceback shows last.
 */
export class PyYamlError extends Error {
  readonly pythonType: string;
  readonly context: string | undefined;
  readonly problem: string;
  readonly problemMark: PyYamlMark | undefined;

  constructor(pythonType: string, parts: PyYamlErrorParts | string) {
    const p: PyYamlErrorParts = typeof parts === 'string' ? { problem: parts } : parts;
    const lines: string[] = [];
    if (p.context !== undefined) lines.push(p.context);
    if (p.contextMark && (!p.problemMark || p.contextMark.index !== p.problemMark.index)) lines.push(markText(p.contextMark));
    lines.push(p.problem);
    if (p.problemMark) lines.push(markText(p.problemMark));
    super(lines.join('\n'));
    this.name = 'PyYamlError';
    this.pythonType = pythonType;
    this.context = p.context;
    this.problem = p.problem;
    this.problemMark = p.problemMark;
  }

  /** The last line of the Python traceback: `"<pythonType>: <first line of message>"`. */
  get python(): string {
    return `${this.pythonType}: ${this.message.split('\n')[0] ?? ''}`;
  }
}
