import { resolve } from 'node:path';
import { CavraError } from '@cavra/policy-model';
import {
  FSYNC_POLICIES,
  openEvidenceLog,
  readEvidenceSigningKey,
  type EvidenceLog,
  type FsyncPolicy,
} from '@cavra/evidence';
import { booleanFlag, stringFlag, type ParsedArgs } from './args.js';
import type { CliIo } from './io.js';

/** The decide path's evidence log options (single mode and `--batch`). */
export const EVIDENCE_LOG_FLAGS = {
  'evidence-log': 'string',
  'evidence-fsync': 'string',
  'evidence-signing-key': 'string',
  'evidence-hmac-key': 'string',
  'evidence-recover-torn': 'boolean',
} as const;

/**
 * Opens the log named by `--evidence-log`, or returns undefined when there is none. `lockWaitMs`:
 * how long to wait for another process's lock (the hook: one short-lived process per tool call).
 */
export function openEvidenceLogFromFlags(
  flags: ParsedArgs,
  io: CliIo,
  options: { lockWaitMs?: number } = {},
): EvidenceLog | undefined {
  const path = stringFlag(flags, 'evidence-log');
  const fsync = stringFlag(flags, 'evidence-fsync');
  const signingKey = stringFlag(flags, 'evidence-signing-key');
  const hmacKey = stringFlag(flags, 'evidence-hmac-key');
  const recover = booleanFlag(flags, 'evidence-recover-torn');
  if (path === undefined) {
    if (fsync !== undefined || signingKey !== undefined || hmacKey !== undefined || recover) {
      throw new CavraError(
        'usage',
        '--evidence-fsync, --evidence-signing-key, --evidence-hmac-key and --evidence-recover-torn need --evidence-log FILE',
      );
    }
    return undefined;
  }
  if (fsync !== undefined && !(FSYNC_POLICIES as readonly string[]).includes(fsync)) {
    throw new CavraError(
      'usage',
      `--evidence-fsync takes ${FSYNC_POLICIES.join(', ')}, not ${JSON.stringify(fsync)}`,
    );
  }
  if (signingKey !== undefined && hmacKey !== undefined) {
    throw new CavraError('usage', 'give either --evidence-signing-key or --evidence-hmac-key, not both');
  }
  const key =
    signingKey !== undefined
      ? readEvidenceSigningKey(resolve(io.cwd, signingKey), 'Ed25519')
      : hmacKey !== undefined
        ? readEvidenceSigningKey(resolve(io.cwd, hmacKey), 'HMAC-SHA256')
        : undefined;
  return openEvidenceLog(resolve(io.cwd, path), {
    ...(fsync !== undefined ? { fsync: fsync as FsyncPolicy } : {}),
    ...(key ? { signingKey: key } : {}),
    recoverTornTail: recover,
    ...(options.lockWaitMs !== undefined ? { lockWaitMs: options.lockWaitMs } : {}),
  });
}
