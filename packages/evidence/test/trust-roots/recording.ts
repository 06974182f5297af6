import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fileNotFound, type EvidenceReader } from '../../src/index.js';

/** The recorded Python `cavra evidence` data (TEST keys only), as the project's own fixture. */
export const RECORDING = fileURLToPath(new URL('../../../../fixtures/oracle/trust-roots/', import.meta.url));
export const recorded = (path: string): Buffer => readFileSync(`${RECORDING}${path}`);

export interface RecordedCommand {
  id: string;
  argv: string[];
  env: Record<string, string>;
  outputs?: string[];
  expected: { exit_code: number };
}
export const recordedCommands = (): RecordedCommand[] =>
  (JSON.parse(recorded('cases.json').toString('utf8')) as { cases: RecordedCommand[] }).cases;

/** A test double for the file access of verification: files held in memory, keyed by path. */
export function memoryReader(
  files: ReadonlyMap<string, Uint8Array>,
  directories: readonly string[] = [],
): EvidenceReader {
  return {
    exists: (path) => files.has(path) || directories.includes(path),
    read: (path) => {
      const bytes = files.get(path);
      if (bytes === undefined) throw fileNotFound(path);
      return bytes;
    },
  };
}
