import { resolve } from 'node:path';
import { CavraError } from '@cavra/policy-model';
import {
  readEvidenceVerificationKey,
  verifyEvidenceLogFile,
  type EvidenceVerificationKey,
} from '@cavra/evidence';
import { booleanFlag, parseArgs, stringFlag } from '../args.js';
import { EXIT_OK, EXIT_VERIFICATION_FAILED, reportError } from '../exit-codes.js';
import type { CliIo } from '../io.js';

export const EVIDENCE_VERIFY_LOG_USAGE = `Usage: cavra-runtime evidence verify-log FILE [--public-key FILE | --hmac-key FILE]

Checks a hash-chained evidence log (written with --evidence-log): every line is the canonical
JSON of its record, each record_hash matches its record, sequences run 1, 2, 3, ... and each
previous_hash is the hash of the record before; with a key, every record's signature verifies.
Prints a JSON report on stdout (records, first/last sequence, head hash, and the first broken
record, if any). A log cut exactly after a whole record reads as a shorter intact log: compare
head_hash with a copy kept elsewhere.

Options:
  --public-key FILE  Ed25519 public key (SPKI PEM) the records were signed with
  --hmac-key FILE    HMAC-SHA256 secret the records were signed with
  -h, --help         show this help

Exit codes: 0 intact, 1 internal fault, 2 usage, unreadable log or key, 3 a broken record.
`;

const FLAGS = { 'public-key': 'string', 'hmac-key': 'string', help: 'boolean' } as const;

function keyFrom(flags: ReturnType<typeof parseArgs>, io: CliIo): EvidenceVerificationKey | undefined {
  const publicKey = stringFlag(flags, 'public-key');
  const hmacKey = stringFlag(flags, 'hmac-key');
  if (publicKey !== undefined && hmacKey !== undefined) {
    throw new CavraError('usage', 'give either --public-key or --hmac-key, not both');
  }
  if (publicKey !== undefined) return readEvidenceVerificationKey(resolve(io.cwd, publicKey), 'Ed25519');
  if (hmacKey !== undefined) return readEvidenceVerificationKey(resolve(io.cwd, hmacKey), 'HMAC-SHA256');
  return undefined;
}

/**
 * `cavra-runtime evidence verify-log FILE [--public-key F | --hmac-key F]` (argv: the arguments
 * after `verify-log`). Exit 0 intact, 3 broken (the first broken record is named on stderr and in
 * the report), 2 usage or unreadable input, 1 internal fault. Never throws.
 */
export function evidenceVerifyLogCommand(argv: readonly string[], io: CliIo): Promise<number> {
  // The check itself is synchronous (chunked reads); the Command shape is async.
  return Promise.resolve(verifyLog(argv, io));
}

function verifyLog(argv: readonly string[], io: CliIo): number {
  try {
    const flags = parseArgs(argv, FLAGS, { h: 'help' });
    if (booleanFlag(flags, 'help')) {
      io.stdout.write(EVIDENCE_VERIFY_LOG_USAGE);
      return EXIT_OK;
    }
    const [file, extra] = flags.positionals;
    if (file === undefined)
      throw new CavraError(
        'usage',
        'usage: cavra-runtime evidence verify-log FILE [--public-key FILE | --hmac-key FILE]',
      );
    if (extra !== undefined) throw new CavraError('usage', `unexpected argument: ${extra}`);
    const key = keyFrom(flags, io);
    const report = verifyEvidenceLogFile(resolve(io.cwd, file), key ? { key } : {});
    io.stdout.write(`${JSON.stringify({ file, ...report }, null, 2)}\n`);
    if (report.broken) {
      const { line, sequence, code, message } = report.broken;
      io.stderr.write(
        `evidence verify-log: FAILED ${file}: line ${line}${sequence === null ? '' : ` (sequence ${sequence})`}: [${code}] ${message}\n`,
      );
      return EXIT_VERIFICATION_FAILED;
    }
    return EXIT_OK;
  } catch (error) {
    // Not Python's `evidence` rows: verify-log is ours, so bad input is 2 as for a decision.
    return reportError(io, 'decide', error);
  }
}
