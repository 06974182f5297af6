import { closeSync, openSync, readFileSync, unlinkSync, writeSync, constants } from 'node:fs';
import { CavraError } from '@cavra/policy-model';

/** The lock file of a log: `<log>.lock`, holding the owner's pid. */
export const lockPathOf = (logPath: string): string => `${logPath}.lock`;

const processIsAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, it is just not ours.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Takes the exclusive lock of a log: creates `<log>.lock` with O_EXCL and writes our pid. A lock
 * whose pid is no longer running (the owner was killed) is stale and taken over once. Local file
 * systems only: a pid means nothing on another host. Returns the release function.
 * With `waitMs` > 0 a lock held by a live process is tried again (a few ms apart, with jitter)
 * until it is free or `waitMs` has passed; then `evidence_log_locked` as without a wait.
 */
export function acquireLogLock(logPath: string, waitMs = 0): () => void {
  const deadline = performance.now() + waitMs;
  for (;;) {
    try {
      return tryAcquireLogLock(logPath);
    } catch (error) {
      const remaining = deadline - performance.now();
      if (!(error instanceof CavraError) || error.code !== 'evidence_log_locked' || remaining <= 0) throw error;
      sleepSync(Math.min(remaining, LOCK_RETRY_MS + Math.random() * LOCK_RETRY_JITTER_MS));
    }
  }
}

/** Pause between lock tries while waiting, plus up to the jitter so waiters do not retry in step. */
const LOCK_RETRY_MS = 3;
const LOCK_RETRY_JITTER_MS = 4;
const sleepCell = new Int32Array(new SharedArrayBuffer(4));

/** Blocks this thread for `ms` without spinning (nothing ever notifies the cell). */
function sleepSync(ms: number): void {
  Atomics.wait(sleepCell, 0, 0, ms);
}

const EXCLUSIVE_CREATE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL;

const pidIn = (path: string): number => {
  try {
    return Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
  } catch {
    return Number.NaN;
  }
};

/**
 * Removes the lock of the dead process `owner`. Takeovers are serialised by `<lock>.takeover`
 * (O_EXCL), and the lock is read again under it: two processes that both found the same stale lock
 * cannot remove each other's new lock (one would remove it, take the lock, and the other would then
 * unlink the first one's live lock). A guard left by a process that died within those few
 * microseconds is removed too; the caller then simply tries again.
 */
function removeStaleLock(lockPath: string, owner: number): void {
  const guardPath = `${lockPath}.takeover`;
  let guard: number;
  try {
    guard = openSync(guardPath, EXCLUSIVE_CREATE, 0o600);
  } catch {
    const guardOwner = pidIn(guardPath);
    if (Number.isSafeInteger(guardOwner) && guardOwner > 0 && !processIsAlive(guardOwner)) {
      try {
        unlinkSync(guardPath);
      } catch {
        // Someone else removed it first.
      }
    }
    return; // another process is taking over right now: the lock is held or about to be
  }
  try {
    writeSync(guard, `${process.pid}\n`);
    if (pidIn(lockPath) === owner) unlinkSync(lockPath);
  } catch {
    // Removed by someone else already; the caller's retry decides.
  } finally {
    closeSync(guard);
    try {
      unlinkSync(guardPath);
    } catch {
      // Already gone.
    }
  }
}

function tryAcquireLogLock(logPath: string): () => void {
  const lockPath = lockPathOf(logPath);
  for (let attempt = 0; ; attempt++) {
    let fd: number;
    try {
      fd = openSync(lockPath, EXCLUSIVE_CREATE, 0o600);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') {
        throw new CavraError(
          'evidence_unwritable',
          `cannot create the lock file ${lockPath}: ${code ?? String(error)}`,
        );
      }
      let owner = Number.NaN;
      try {
        owner = Number.parseInt(readFileSync(lockPath, 'utf8').trim(), 10);
      } catch {
        // Vanished between open and read: try again.
      }
      // A lock file without a pid may be one being written right now: only a dead pid is stale.
      if (
        attempt === 0 &&
        Number.isSafeInteger(owner) &&
        owner > 0 &&
        owner !== process.pid &&
        !processIsAlive(owner)
      ) {
        removeStaleLock(lockPath, owner);
        continue;
      }
      if (attempt === 0 && Number.isNaN(owner)) {
        try {
          readFileSync(lockPath);
        } catch {
          continue;
        }
      }
      throw new CavraError(
        'evidence_log_locked',
        `evidence log ${logPath} is locked by ${Number.isNaN(owner) ? 'another writer' : `process ${owner}`} (${lockPath}); one process owns a log`,
      );
    }
    try {
      writeSync(fd, `${process.pid}\n`);
    } finally {
      closeSync(fd);
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      try {
        unlinkSync(lockPath);
      } catch {
        // Already gone: nothing to release.
      }
    };
  }
}
