import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { parsePyJson, type PyValue } from '@cavra/policy-model';

// Reading the recorded corpus (fixtures/oracle): shared by the replay tests and the benchmark,
// so it must not depend on the test runner.

export const ORACLE_DIR = fileURLToPath(new URL('../../../../fixtures/oracle/', import.meta.url));

export interface CorpusCase {
  id: string;
  family: string;
  request: Record<string, unknown>;
  policy_file?: string;
  registry?: string;
  expected: Record<string, unknown>;
}

/** The recorded Python decisions (fixtures/oracle/corpus/decisions.jsonl.gz). */
export function readCorpus(): CorpusCase[] {
  const text = gunzipSync(readFileSync(`${ORACLE_DIR}corpus/decisions.jsonl.gz`)).toString('utf8');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as CorpusCase);
}

export const readOracleJson = (relativePath: string): PyValue =>
  parsePyJson(readFileSync(`${ORACLE_DIR}${relativePath}`, 'utf8'));

/** The key under which cases share a policy source and registry (one engine / one CLI process each). */
export const routeKey = (c: CorpusCase): string => `${c.policy_file ?? '-'}|${c.registry ?? '-'}`;
