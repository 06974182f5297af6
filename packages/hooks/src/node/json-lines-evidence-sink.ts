import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { CavraError } from '@cavra/policy-model';
import type { EvidenceEntry, EvidenceSink } from '@cavra/evidence';

/**
 * A plain JSON-lines evidence log: every `append` writes one line
 * `{"ref", "request", "decision"}` to the end of the file with one `write` (O_APPEND, so
 * concurrent hook processes do not interleave lines), before the answer is given. `flush`
 * and `close` fsync. The reference is `<file>#<pid>.<n>`, `n` counting the records of this
 * process (over every sink), so references are unique per process.
 * Not tamper-evident; the hash-chained log replaces it where that is needed.
 */
let recordsThisProcess = 0;

export function createJsonLinesEvidenceSink(file: string): EvidenceSink {
  let fd: number | undefined;
  let closed = false;
  const open = (): number => {
    if (closed) throw new CavraError('internal', `evidence log ${file} is closed`);
    if (fd === undefined) {
      try {
        fd = openSync(file, 'a', 0o600);
      } catch (error) {
        throw new CavraError('input_unreadable', `cannot open evidence log ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
      }
    }
    return fd;
  };
  return {
    append(entry: EvidenceEntry): string {
      const descriptor = open();
      recordsThisProcess++;
      const ref = `${file}#${process.pid}.${recordsThisProcess}`;
      const line = `${JSON.stringify({ ref, request: entry.request, decision: entry.decision })}\n`;
      try {
        writeSync(descriptor, line);
      } catch (error) {
        throw new CavraError('internal', `cannot write evidence log ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
      }
      return ref;
    },
    flush(): Promise<void> {
      if (fd !== undefined) fsyncSync(fd);
      return Promise.resolve();
    },
    close(): Promise<void> {
      if (fd !== undefined) {
        fsyncSync(fd);
        closeSync(fd);
        fd = undefined;
      }
      closed = true;
      return Promise.resolve();
    },
  };
}
