import { FixtureFormatError, readCorpusText } from './recorded-lines.js';

/** A corpus line as plain JSON: what a CLI user would send and what Python printed. */
export interface CorpusCase {
  id: string;
  family: string;
  request: Record<string, unknown>;
  /** Relative to `fixtures/oracle/`: the compiled policy of the `--policy` route. */
  policy_file?: string;
  /** Relative to `fixtures/oracle/`: the trust registry. */
  registry?: string;
  expected: Record<string, unknown>;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function corpusCase(value: unknown, where: string): CorpusCase {
  if (!isObject(value) || !isObject(value.request) || !isObject(value.expected))
    throw new FixtureFormatError(`${where}: needs "request" and "expected" objects`);
  const { id, family, policy_file: policyFile, registry } = value;
  if (typeof id !== 'string' || typeof family !== 'string')
    throw new FixtureFormatError(`${where}: needs string "id" and "family"`);
  // The corpus references its policies and registries by path; inline values are for regressions.
  if (policyFile !== undefined && typeof policyFile !== 'string')
    throw new FixtureFormatError(`${where}: "policy_file" must be a path`);
  if (registry !== undefined && typeof registry !== 'string')
    throw new FixtureFormatError(`${where}: "registry" must be a path`);
  return value as unknown as CorpusCase;
}

/**
 * The recorded corpus as plain JSON (`JSON.parse`: the CLI's replay test and the benchmark,
 * which feed requests to the engine or a process as a user would). The parity harness reads the
 * same text in the Python value model with `readCorpusLines`.
 */
export function readCorpus(): CorpusCase[] {
  const out: CorpusCase[] = [];
  readCorpusText()
    .split('\n')
    .forEach((line, i) => {
      if (line === '') return;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (error) {
        throw new FixtureFormatError(`corpus:${i + 1}: invalid JSON`, { cause: error });
      }
      out.push(corpusCase(value, `corpus:${i + 1}`));
    });
  return out;
}

/** Cases with the same key share a policy source and registry: one engine, or one `--batch` process. */
export const routeKey = (c: Pick<CorpusCase, 'policy_file' | 'registry'>): string =>
  `${c.policy_file ?? '-'}|${c.registry ?? '-'}`;
