import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { isPyDict, parsePyJson, pyTruthy, type PyDict, type PyValue } from '@cavra/policy-model';
import { DEFAULT_PACK, type Outcome, type ParityCase } from '../cases.js';
import { outcomeFromAnswer } from '../compare.js';
import { HarnessError } from '../errors.js';

/** A recorded Python answer: corpus line or regression line (fixtures/oracle/README.md format). */
export interface RecordedCase {
  id: string;
  family: string;
  source: string;
  case: ParityCase;
  expected: Outcome;
}

/** Label a case is reported under: `policy_pack`, else the compiled policy's `metadata.id`, else the default. */
export function caseLabel(request: PyDict, policy: PyValue | undefined): string {
  const pack = request.get('policy_pack');
  if (pyTruthy(pack) && typeof pack === 'string') return pack;
  if (policy !== undefined && isPyDict(policy)) {
    const metadata = policy.get('metadata');
    const id = isPyDict(metadata) ? metadata.get('id') : undefined;
    if (typeof id === 'string' && id) return id;
  }
  return DEFAULT_PACK;
}

/** Reads referenced files once: `policy_file` / `registry` paths relative to the oracle folder. */
class FileTable {
  private readonly files = new Map<string, PyValue>();
  constructor(private readonly base: string) {}

  load(ref: string): { ref: string; value: PyValue } {
    const path = resolve(this.base, ref);
    let value = this.files.get(path);
    if (value === undefined) {
      if (!existsSync(path))
        throw new HarnessError('fixture_invalid', `referenced fixture file not found: ${path}`);
      value = parsePyJson(readFileSync(path, 'utf8'));
      this.files.set(path, value);
    }
    return { ref: path, value };
  }
}

function parseLine(line: PyValue, source: string, lineNo: number, files: FileTable): RecordedCase {
  const where = `${source}:${lineNo}`;
  if (!isPyDict(line)) throw new HarnessError('fixture_invalid', `${where}: not a JSON object`);
  const request = line.get('request');
  const expected = line.get('expected');
  if (!isPyDict(request) || !isPyDict(expected)) {
    throw new HarnessError('fixture_invalid', `${where}: needs "request" and "expected" objects`);
  }
  const c: ParityCase = { pack: '', request };
  const policyFile = line.get('policy_file');
  if (typeof policyFile === 'string') c.policy = files.load(policyFile);
  else if (isPyDict(policyFile)) c.policy = { ref: `inline:${where}`, value: policyFile };
  const registry = line.get('registry');
  if (typeof registry === 'string') c.registry = files.load(registry);
  else if (registry !== undefined && registry !== null) c.registry = { value: registry };
  c.pack = caseLabel(request, c.policy?.value);
  const id = line.get('id');
  const family = line.get('family');
  return {
    id: typeof id === 'string' ? id : where,
    family: typeof family === 'string' ? family : 'unknown',
    source,
    case: c,
    expected: outcomeFromAnswer(expected),
  };
}

function parseJsonLines(text: string, source: string, files: FileTable): RecordedCase[] {
  const out: RecordedCase[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    let value: PyValue;
    try {
      value = parsePyJson(line);
    } catch (error) {
      throw new HarnessError('fixture_invalid', `${source}:${i + 1}: invalid JSON`, { cause: error });
    }
    out.push(parseLine(value, source, i + 1, files));
  });
  return out;
}

export function loadCorpus(oracleDir: string): RecordedCase[] {
  const path = join(oracleDir, 'corpus', 'decisions.jsonl.gz');
  if (!existsSync(path)) throw new HarnessError('fixture_invalid', `recorded corpus not found: ${path}`);
  return parseJsonLines(gunzipSync(readFileSync(path)).toString('utf8'), 'corpus', new FileTable(oracleDir));
}

/** `fixtures/regressions/*.jsonl`: counterexamples written by `--record`, replayed from then on. */
export function loadRegressions(regressionsDir: string, oracleDir: string): RecordedCase[] {
  if (!existsSync(regressionsDir)) return [];
  const files = new FileTable(oracleDir);
  return readdirSync(regressionsDir)
    .filter((name) => name.endsWith('.jsonl'))
    .sort()
    .flatMap((name) =>
      parseJsonLines(readFileSync(join(regressionsDir, name), 'utf8'), `regressions/${name}`, files),
    );
}
