import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { isPyDict, parsePyJson, type PyDict, type PyValue } from '@cavra/policy-model';
import { ORACLE_DIR, REGRESSIONS_DIR } from './oracle-files.js';

/** A recorded file that does not have the corpus line format (fixtures/oracle/README.md). */
export class FixtureFormatError extends Error {
  readonly code = 'fixture_invalid';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FixtureFormatError';
  }
}

export const isFixtureFormatError = (error: unknown): error is FixtureFormatError =>
  error instanceof FixtureFormatError;

/**
 * One recorded line (corpus or regression) in the Python value model: int vs float, key order
 * and non-ASCII text exactly as recorded.
 */
export interface RecordedLine {
  id: string;
  family: string;
  /** `corpus` or `regressions/<file>`. */
  source: string;
  lineNo: number;
  request: PyDict;
  /** A path relative to `fixtures/oracle/` (corpus) or an inline compiled policy (regressions). */
  policyFile?: string | PyDict;
  /** A path relative to `fixtures/oracle/`, or an inline registry document. */
  registry?: PyValue;
  /** The Python answer: a decision without its volatile fields, or `{"error": …}`. */
  expected: PyDict;
  /** The whole line, for families that read more fields than the decision family. */
  line: PyDict;
}

function parseLine(value: PyValue, source: string, lineNo: number): RecordedLine {
  const where = `${source}:${lineNo}`;
  if (!isPyDict(value)) throw new FixtureFormatError(`${where}: not a JSON object`);
  const request = value.get('request');
  const expected = value.get('expected');
  if (!isPyDict(request) || !isPyDict(expected))
    throw new FixtureFormatError(`${where}: needs "request" and "expected" objects`);
  const id = value.get('id');
  const family = value.get('family');
  const line: RecordedLine = {
    id: typeof id === 'string' ? id : where,
    family: typeof family === 'string' ? family : 'unknown',
    source,
    lineNo,
    request,
    expected,
    line: value,
  };
  const policyFile = value.get('policy_file');
  if (typeof policyFile === 'string' || isPyDict(policyFile)) line.policyFile = policyFile;
  const registry = value.get('registry');
  if (registry !== undefined && registry !== null) line.registry = registry;
  return line;
}

/** JSON Lines text → recorded lines; blank lines are skipped, anything else must parse. */
export function parseRecordedLines(text: string, source: string): RecordedLine[] {
  const out: RecordedLine[] = [];
  text.split('\n').forEach((raw, i) => {
    if (!raw.trim()) return;
    let value: PyValue;
    try {
      value = parsePyJson(raw);
    } catch (error) {
      throw new FixtureFormatError(`${source}:${i + 1}: invalid JSON`, { cause: error });
    }
    out.push(parseLine(value, source, i + 1));
  });
  return out;
}

export const CORPUS_PATH = join(ORACLE_DIR, 'corpus', 'decisions.jsonl.gz');

/** The recorded corpus's text (gunzipped): the one place that knows where and how it is stored. */
export function readCorpusText(path = CORPUS_PATH): string {
  if (!existsSync(path)) throw new FixtureFormatError(`recorded corpus not found: ${path}`);
  return gunzipSync(readFileSync(path)).toString('utf8');
}

/** The recorded corpus (61,468 Python decisions) in the Python value model. */
export const readCorpusLines = (path = CORPUS_PATH): RecordedLine[] =>
  parseRecordedLines(readCorpusText(path), 'corpus');

/** `fixtures/regressions/*.jsonl` (the corpus line format), file by file in name order. */
export function readRegressionLines(dir = REGRESSIONS_DIR): RecordedLine[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.jsonl'))
    .sort()
    .flatMap((name) => parseRecordedLines(readFileSync(join(dir, name), 'utf8'), `regressions/${name}`));
}
