import { readFile, readdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { isSigningError, loadPublicKey, verifyReleaseFiles, type ReleaseReport } from '@cavra/evidence';
import { EXIT_BAD_INPUT, EXIT_FAILURE, EXIT_OK, EXIT_VERIFICATION_FAILED } from '../exit-codes.js';
import type { CliIo } from '../io.js';

/**
 * Exit codes of `cavra-runtime release verify`:
 * - 0: every check passed;
 * - 1: internal fault;
 * - 2: usage error, or the directory / public key cannot be read or is not an Ed25519 SPKI PEM key;
 * - 3: the release failed verification (each problem is printed on stderr).
 */
export const RELEASE_VERIFY_EXIT = {
  ok: EXIT_OK,
  internal: EXIT_FAILURE,
  usage: EXIT_BAD_INPUT,
  failed: EXIT_VERIFICATION_FAILED,
} as const;

export const RELEASE_VERIFY_USAGE = `Usage: cavra-runtime release verify DIR --public-key FILE [--json]

Verifies a release package directory against a trusted Ed25519 public key (SPKI PEM):
every file listed in checksums.txt exists and matches, every artifact and checksums.txt,
sbom.spdx.json and release-evidence.json carry a valid <file>.sig.json signature by that key,
and the SBOM and the evidence name exactly the artifacts present.

Options:
  --public-key FILE  the trusted public key (do not use the signing-key.pub.pem shipped in DIR)
  --json             print the report as JSON on stdout
  -h, --help         show this help

Exit codes: 0 verified, 1 internal fault, 2 usage or unreadable input, 3 verification failed.
`;

interface VerifyArgs {
  dir: string;
  publicKey: string;
  json: boolean;
}

/** Thrown for bad arguments and unreadable inputs; mapped to exit 2 below. */
export class ReleaseVerifyUsageError extends Error {
  readonly code = 'usage' as const;
  /** True for argument mistakes, where the usage text helps; false for unreadable inputs. */
  readonly showUsage: boolean;

  constructor(message: string, showUsage = false) {
    super(message);
    this.showUsage = showUsage;
    this.name = 'ReleaseVerifyUsageError';
  }
}

const parseArgs = (argv: readonly string[]): VerifyArgs | 'help' => {
  let dir: string | undefined;
  let publicKey: string | undefined;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '-h' || arg === '--help') return 'help';
    if (arg === '--json') json = true;
    else if (arg === '--public-key' || arg.startsWith('--public-key=')) {
      const value = arg === '--public-key' ? argv[++i] : arg.slice('--public-key='.length);
      if (value === undefined || value === '')
        throw new ReleaseVerifyUsageError('--public-key needs a FILE', true);
      publicKey = value;
    } else if (arg.startsWith('-')) throw new ReleaseVerifyUsageError(`unknown option ${arg}`, true);
    else if (dir === undefined) dir = arg;
    else throw new ReleaseVerifyUsageError(`unexpected argument ${arg}`, true);
  }
  if (dir === undefined) throw new ReleaseVerifyUsageError('missing DIR', true);
  // Required on purpose: trusting the key shipped inside the directory would prove nothing.
  if (publicKey === undefined) throw new ReleaseVerifyUsageError('missing --public-key FILE', true);
  return { dir, publicKey, json };
};

/** Reads every regular file of the release directory; subdirectories are not part of a release. */
const readReleaseDir = async (dir: string): Promise<{ files: Map<string, Uint8Array>; others: string[] }> => {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    throw new ReleaseVerifyUsageError(
      `cannot read directory ${dir}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  const files = new Map<string, Uint8Array>();
  const others: string[] = [];
  for (const entry of entries) {
    if (entry.isFile()) files.set(entry.name, await readFile(resolve(dir, entry.name)));
    else others.push(entry.name);
  }
  return { files, others };
};

const printReport = (report: ReleaseReport, others: readonly string[], dir: string, io: CliIo): void => {
  if (report.ok && others.length === 0) {
    io.stdout.write(
      `release verify: OK ${dir}\n` +
        `  key ${report.keyId}; ${report.artifacts.length} artifacts; ${report.verifiedSignatures.length} signatures verified\n` +
        report.artifacts.map((name) => `  ok ${name}\n`).join(''),
    );
    return;
  }
  const lines = [
    ...report.problems.map((p) => `  ${p.file}: [${p.code}] ${p.message}\n`),
    ...others.map(
      (name) => `  ${name}: [unexpected_entry] not a regular file; a release directory holds files only\n`,
    ),
  ];
  io.stderr.write(
    `release verify: FAILED ${dir} (${lines.length} problem${lines.length === 1 ? '' : 's'})\n${lines.join('')}`,
  );
};

/** `cavra-runtime release verify DIR --public-key FILE [--json]`; returns the exit code. */
export async function releaseVerifyCommand(argv: string[], io: CliIo): Promise<number> {
  try {
    const args = parseArgs(argv);
    if (args === 'help') {
      io.stdout.write(RELEASE_VERIFY_USAGE);
      return RELEASE_VERIFY_EXIT.ok;
    }
    const dir = resolve(io.cwd, args.dir);
    let keyText: Buffer;
    try {
      keyText = await readFile(resolve(io.cwd, args.publicKey));
    } catch (error) {
      throw new ReleaseVerifyUsageError(
        `cannot read public key ${args.publicKey}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      );
    }
    let publicKey;
    try {
      publicKey = loadPublicKey(keyText);
    } catch (error) {
      if (isSigningError(error)) throw new ReleaseVerifyUsageError(`${args.publicKey}: ${error.message}`);
      throw error;
    }
    const { files, others } = await readReleaseDir(dir);
    const report = verifyReleaseFiles(files, publicKey);
    const ok = report.ok && others.length === 0;
    if (args.json) {
      const problems = [
        ...report.problems,
        ...others.map((file) => ({ file, code: 'unexpected_entry', message: 'not a regular file' })),
      ];
      io.stdout.write(
        `${JSON.stringify({ ok, dir, key_id: report.keyId, artifacts: report.artifacts, problems }, null, 2)}\n`,
      );
    } else {
      printReport(report, others, dir, io);
    }
    return ok ? RELEASE_VERIFY_EXIT.ok : RELEASE_VERIFY_EXIT.failed;
  } catch (error) {
    if (error instanceof ReleaseVerifyUsageError) {
      io.stderr.write(
        `release verify: ${error.message}\n${error.showUsage ? `\n${RELEASE_VERIFY_USAGE}` : ''}`,
      );
      return RELEASE_VERIFY_EXIT.usage;
    }
    // No stack traces for users; the message is enough to report the fault.
    io.stderr.write(
      `release verify: internal error: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return RELEASE_VERIFY_EXIT.internal;
  }
}
