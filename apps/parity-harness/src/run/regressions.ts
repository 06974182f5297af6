import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dumpsPyJson, isPyDict, parsePyJson, type PyDict, type PyValue } from '@cavra/policy-model';
import { stripVolatile } from '../compare.js';
import type { MismatchRecord } from './types.js';

/** A file-system-safe regression file name for a pack label. */
export const regressionFileName = (pack: string): string =>
  `${pack.replace(/[^A-Za-z0-9._-]/g, '_') || 'pack'}.jsonl`;

/**
 * Append counterexamples to `<dir>/<pack>.jsonl` in the corpus format, with the Python answer
 * as `expected` (volatile fields dropped, as in the corpus) and inline policy/registry objects,
 * so recorded mode replays them without Python. Returns how many new lines were written.
 */
export function recordRegressions(
  dir: string,
  mismatches: readonly MismatchRecord[],
  policies: ReadonlyMap<string, PyValue>,
  meta: { seed: number; python: string | null; date: string },
): number {
  mkdirSync(dir, { recursive: true });
  let written = 0;
  for (const m of mismatches) {
    if (m.kind !== 'decision' || !isPyDict(m.request)) continue;
    const file = join(dir, regressionFileName(m.pack));
    const existing = existsSync(file) ? readFileSync(file, 'utf8') : '';
    const request: PyDict = new Map([...m.request].filter(([k]) => k !== 'policy_file' && k !== 'registry'));
    const line: PyDict = new Map<PyValue, PyValue>([
      ['id', `regression-${m.pack}-${Date.now().toString(36)}-${written}`],
      ['family', 'regression'],
      ['request', request],
    ]);
    const policyRef = m.request.get('policy_file');
    if (typeof policyRef === 'string') line.set('policy_file', policies.get(policyRef) ?? policyRef);
    const registry = m.request.get('registry');
    if (registry !== undefined) line.set('registry', registry);
    line.set(
      'expected',
      isPyDict(m.python) && m.python.has('decision_id') ? stripVolatile(m.python) : m.python,
    );
    line.set(
      'recorded',
      new Map<PyValue, PyValue>([
        ['seed', BigInt(meta.seed)],
        ['python', meta.python],
        ['date', meta.date],
        ['fields', m.fields.map((f) => f.field)],
      ]),
    );
    const key = dedupeKey(line);
    if (existing.split('\n').some((l) => l && keyOfLine(l) === key)) continue;
    appendFileSync(file, dumpsPyJson(line, { ensureAscii: false }) + '\n');
    written++;
  }
  return written;
}

const dedupeKey = (line: PyDict): string =>
  dumpsPyJson([line.get('request') ?? null, line.get('policy_file') ?? null, line.get('registry') ?? null]);

function keyOfLine(text: string): string {
  try {
    const parsed = parsePyJson(text);
    return isPyDict(parsed) ? dedupeKey(parsed) : '';
  } catch {
    return '';
  }
}
