import {
  closeSync,
  constants,
  fdatasyncSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readSync,
  writeSync,
} from 'node:fs';
import { basename, dirname } from 'node:path';
import { createHash } from 'node:crypto';
import { CavraError } from '@cavra/policy-model';
import { pythonUtcIsoformat, systemMicrosecondClock, type MicrosecondClock } from '../timestamp.js';
import { canonicalDecisionJson, canonicalJson } from './canonical-json.js';
import type { EvidenceEntry, EvidenceSink } from './evidence-sink.js';
import { acquireLogLock } from './lock.js';
import {
  GENESIS_HASH,
  evidenceLogRef,
  parseRecordLine,
  recordHash,
  recordLine,
  sha256OfText,
  signRecordHash,
  type EvidenceRecord,
  type EvidenceRecordBody,
  type EvidenceSigningKey,
  type RecoveredTail,
} from './record.js';

/**
 * When appended records are forced to disk (fdatasync):
 * - `always`: after every record, before `append` returns (a crash loses nothing answered);
 * - `interval` (default): at most `fsyncIntervalMs` after a record (a crash loses at most that window);
 * - `never`: only on `flush`/`close` (the OS writes back when it likes).
 * Every record is handed to the OS (`write`) before `append` returns in all three modes, so a
 * killed process loses nothing; only a machine crash or power loss can.
 */
export const FSYNC_POLICIES = ['always', 'interval', 'never'] as const;
export type FsyncPolicy = (typeof FSYNC_POLICIES)[number];
export const DEFAULT_FSYNC_POLICY: FsyncPolicy = 'interval';
export const DEFAULT_FSYNC_INTERVAL_MS = 100;

/** The longest line `open` reads back when it checks the last record. */
export const MAX_RECORD_LINE_BYTES = 64 * 1024 * 1024;

export interface EvidenceLogOptions {
  fsync?: FsyncPolicy;
  fsyncIntervalMs?: number;
  /** Signs every record (Ed25519 or HMAC-SHA256 over its record hash). */
  signingKey?: EvidenceSigningKey;
  /**
   * A torn last line (no trailing newline) is refused by default (`evidence_log_torn`). With this
   * option its bytes are moved aside into `<log>.torn-<n>` and a `log_recovered` record is appended.
   */
  recoverTornTail?: boolean;
  clock?: MicrosecondClock;
  /**
   * How long `open` waits for a lock held by another live process (default 0: fail at once with
   * `evidence_log_locked`). For short-lived writers such as agent hooks, one process per tool call.
   */
  lockWaitMs?: number;
}

/** The hash-chained JSON Lines evidence log (see docs/evidence-log.md). */
export interface EvidenceLog extends EvidenceSink {
  readonly path: string;
  /** Sequence number the next record gets. */
  readonly nextSequence: number;
  /** `record_hash` of the last record (the genesis value for an empty log). */
  readonly headHash: string;
  /** Set when `open` moved a torn tail aside. */
  readonly recovered: RecoveredTail | undefined;
}

const NEWLINE = 0x0a;

function readExactly(fd: number, length: number, position: number): Buffer {
  const buffer = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const read = readSync(fd, buffer, done, length - done, position + done);
    if (read === 0) break;
    done += read;
  }
  return done === length ? buffer : buffer.subarray(0, done);
}

/**
 * Offset of the last newline in [0, end), or -1 when there is none; -2 when there is none within
 * the last `maxScan` bytes (a line longer than any record). Reads backwards in blocks.
 */
function lastNewlineBefore(fd: number, end: number, maxScan = MAX_RECORD_LINE_BYTES + 1): number {
  const blockSize = 64 * 1024;
  for (let pos = end; pos > 0;) {
    if (end - pos >= maxScan) return -2;
    const start = Math.max(0, pos - blockSize);
    const index = readExactly(fd, pos - start, start).lastIndexOf(NEWLINE);
    if (index !== -1) return end - (start + index) > maxScan ? -2 : start + index;
    pos = start;
  }
  return -1;
}

function writeAll(fd: number, bytes: Buffer): void {
  for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done, bytes.length - done, null);
}

const errnoOf = (error: unknown): string => (error as NodeJS.ErrnoException).code ?? String(error);

/** Makes a new directory entry durable; best effort (not every platform can fsync a directory). */
function syncDirectory(path: string): void {
  try {
    const fd = openSync(dirname(path), constants.O_RDONLY);
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // The entry is still written; only its durability across a power loss is not forced.
  }
}

/** Writes `bytes` to the first free `<log>.torn-<n>` and returns its base name. */
function moveAside(path: string, bytes: Buffer): string {
  for (let n = 1; ; n++) {
    const aside = `${path}.torn-${n}`;
    let fd: number;
    try {
      fd = openSync(aside, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    } catch (error) {
      if (errnoOf(error) === 'EEXIST') continue;
      throw error;
    }
    try {
      writeAll(fd, bytes);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    syncDirectory(aside);
    return basename(aside);
  }
}

/** The line of a decision record, assembled from pieces so that request and decision are serialised once. */
function encodeDecisionRecord(
  sequence: number,
  time: string,
  request: unknown,
  decision: unknown,
  previousHash: string,
  signingKey: EvidenceSigningKey | undefined,
): { hash: string; line: string } {
  // Canonical order (keys sorted): decision, kind, previous_hash, [record_hash], request, sequence, [signature], time.
  const head = `{"decision":${canonicalDecisionJson(decision)},"kind":"decision","previous_hash":"${previousHash}"`;
  const requestJson = canonicalJson(request);
  const timeJson = JSON.stringify(time);
  const hash = sha256OfText(`${head},"request":${requestJson},"sequence":${sequence},"time":${timeJson}}`);
  const signature = signingKey ? `,"signature":${canonicalJson(signRecordHash(hash, signingKey))}` : '';
  return {
    hash,
    line: `${head},"record_hash":"${hash}","request":${requestJson},"sequence":${sequence}${signature},"time":${timeJson}}\n`,
  };
}

/**
 * Opens (or creates, mode 0600) the evidence log at `path` for appending. Takes the log's lock
 * (`<path>.lock`), reads back the last record, checks it on its own (canonical form and hash) and
 * continues its chain. A torn last line is reported (`evidence_log_torn`), or moved aside with
 * `recoverTornTail`; a last line that is complete but not an intact record is `evidence_log_corrupt`.
 */
export function openEvidenceLog(path: string, options: EvidenceLogOptions = {}): EvidenceLog {
  const fsyncPolicy = options.fsync ?? DEFAULT_FSYNC_POLICY;
  if (!FSYNC_POLICIES.includes(fsyncPolicy)) {
    throw new CavraError(
      'usage',
      `unknown fsync policy ${JSON.stringify(fsyncPolicy)} (always, interval, never)`,
    );
  }
  const intervalMs = options.fsyncIntervalMs ?? DEFAULT_FSYNC_INTERVAL_MS;
  const clock = options.clock ?? systemMicrosecondClock();
  const signingKey = options.signingKey;

  const lockWaitMs = options.lockWaitMs ?? 0;
  if (!Number.isFinite(lockWaitMs) || lockWaitMs < 0) {
    throw new CavraError('usage', `lockWaitMs must be a non-negative number of milliseconds, not ${lockWaitMs}`);
  }
  const releaseLock = acquireLogLock(path, lockWaitMs);
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDWR | constants.O_CREAT | constants.O_APPEND, 0o600);
  } catch (error) {
    releaseLock();
    throw new CavraError('evidence_unwritable', `cannot open evidence log ${path}: ${errnoOf(error)}`);
  }

  let size: number;
  let nextSequence = 1;
  let headHash = GENESIS_HASH;
  let tornStart: number;
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile())
      throw new CavraError('evidence_unwritable', `evidence log ${path} is not a regular file`);
    size = stat.size;
    if (size === 0) syncDirectory(path);
    const lastNewline = lastNewlineBefore(fd, size);
    // A crash tears at most one record; a longer run of bytes without a newline is not a torn write.
    if (lastNewline === -2) {
      throw new CavraError(
        'evidence_log_corrupt',
        `evidence log ${path} ends in more than ${MAX_RECORD_LINE_BYTES} bytes without a newline; run verify-log`,
      );
    }
    tornStart = lastNewline + 1;
    if (lastNewline !== -1) {
      const lineStart = lastNewlineBefore(fd, lastNewline) + 1;
      if (lineStart === -1 || lastNewline - lineStart > MAX_RECORD_LINE_BYTES) {
        throw new CavraError(
          'evidence_log_corrupt',
          `evidence log ${path}: the last record (at byte ${lineStart}) is longer than ${MAX_RECORD_LINE_BYTES} bytes`,
        );
      }
      const parsed = parseRecordLine(readExactly(fd, lastNewline - lineStart, lineStart));
      if ('problem' in parsed) {
        throw new CavraError(
          'evidence_log_corrupt',
          `evidence log ${path}: the last record (at byte ${lineStart}) is not intact: ${parsed.problem.message} [${parsed.problem.code}]; run verify-log`,
        );
      }
      nextSequence = parsed.record.sequence + 1;
      headHash = parsed.record.record_hash;
    }
    if (tornStart < size && !options.recoverTornTail) {
      throw new CavraError(
        'evidence_log_torn',
        `evidence log ${path} ends in a torn record: ${size - tornStart} bytes after byte ${tornStart} without a newline (an interrupted write); refusing to extend it (recover moves the bytes aside)`,
      );
    }
  } catch (error) {
    closeSync(fd);
    releaseLock();
    if (error instanceof CavraError) throw error;
    throw new CavraError('evidence_unwritable', `cannot read evidence log ${path}: ${errnoOf(error)}`);
  }

  let failure: CavraError | undefined;
  let closed = false;
  let unsynced = false;
  let lastSyncMs = performance.now();
  let timer: NodeJS.Timeout | undefined;
  let recovered: RecoveredTail | undefined;

  const fail = (what: string, error: unknown): CavraError => {
    failure = new CavraError('evidence_unwritable', `evidence log ${path}: ${what}: ${errnoOf(error)}`);
    return failure;
  };
  const sync = (): void => {
    if (!unsynced) return;
    try {
      fdatasyncSync(fd);
    } catch (error) {
      throw fail('fsync failed', error);
    }
    unsynced = false;
    lastSyncMs = performance.now();
  };
  const afterWrite = (): void => {
    unsynced = true;
    if (fsyncPolicy === 'always') sync();
    else if (fsyncPolicy === 'interval') {
      if (performance.now() - lastSyncMs >= intervalMs) sync();
      else if (timer === undefined) {
        timer = setTimeout(() => {
          timer = undefined;
          if (closed || failure) return;
          try {
            sync();
          } catch {
            // `failure` is set: the next append or flush reports it.
          }
        }, intervalMs);
        timer.unref();
      }
    }
  };
  const write = (line: string): void => {
    const bytes = Buffer.from(line, 'utf8');
    try {
      writeAll(fd, bytes);
    } catch (error) {
      const failed = fail('write failed', error);
      try {
        ftruncateSync(fd, size); // do not leave a torn line behind
      } catch {
        // The torn line stays; the next open reports it.
      }
      throw failed;
    }
    size += bytes.length;
  };
  const usable = (): void => {
    if (failure) throw failure;
    if (closed) throw new CavraError('evidence_unwritable', `evidence log ${path} is closed`);
  };

  const log: EvidenceLog = {
    path,
    get nextSequence() {
      return nextSequence;
    },
    get headHash() {
      return headHash;
    },
    get recovered() {
      return recovered;
    },
    append(entry: EvidenceEntry): string {
      usable();
      let encoded: { hash: string; line: string };
      try {
        encoded = encodeDecisionRecord(
          nextSequence,
          pythonUtcIsoformat(clock()),
          entry.request,
          entry.decision,
          headHash,
          signingKey,
        );
      } catch (error) {
        // This entry cannot be recorded; the log itself is fine.
        throw new CavraError(
          'evidence_unwritable',
          `cannot record this decision: ${(error as Error).message}`,
        );
      }
      write(encoded.line);
      const ref = evidenceLogRef(nextSequence, encoded.hash);
      nextSequence++;
      headHash = encoded.hash;
      afterWrite();
      return ref;
    },
    flush(): Promise<void> {
      try {
        usable();
        sync();
        return Promise.resolve();
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    },
    close(): Promise<void> {
      if (closed) return Promise.resolve();
      if (timer !== undefined) clearTimeout(timer);
      let error = failure;
      if (!error) {
        try {
          sync();
        } catch (syncError) {
          error = syncError as CavraError;
        }
      }
      closed = true;
      closeSync(fd);
      releaseLock();
      return error ? Promise.reject(error) : Promise.resolve();
    },
  };

  if (tornStart < size) {
    try {
      const torn = readExactly(fd, size - tornStart, tornStart);
      const tornFile = moveAside(path, torn);
      ftruncateSync(fd, tornStart);
      fdatasyncSync(fd);
      size = tornStart;
      recovered = {
        torn_file: tornFile,
        torn_bytes: torn.length,
        torn_sha256: createHash('sha256').update(torn).digest('hex'),
      };
      const body: EvidenceRecordBody = {
        kind: 'log_recovered',
        sequence: nextSequence,
        time: pythonUtcIsoformat(clock()),
        recovered,
        previous_hash: headHash,
      };
      const hash = recordHash(body);
      const record: EvidenceRecord = {
        ...body,
        record_hash: hash,
        ...(signingKey ? { signature: signRecordHash(hash, signingKey) } : {}),
      };
      write(`${recordLine(record)}\n`);
      unsynced = true;
      sync();
      nextSequence++;
      headHash = hash;
    } catch (error) {
      closeSync(fd);
      releaseLock();
      if (error instanceof CavraError) throw error;
      throw new CavraError('evidence_unwritable', `cannot recover evidence log ${path}: ${errnoOf(error)}`);
    }
  }
  return log;
}

/**
 * Records a decision in `sink` and returns it with the record's reference added to its
 * `evidence_refs` (after the envelope's own `evidence://` reference). Throws `evidence_unwritable`
 * when it cannot be recorded: the caller must then answer with an error, never with the decision.
 */
export function recordDecision<D extends { readonly evidence_refs: readonly string[] }>(
  sink: EvidenceSink,
  request: unknown,
  decision: D,
): D {
  const ref = sink.append({ request, decision });
  return { ...decision, evidence_refs: [...decision.evidence_refs, ref] };
}
