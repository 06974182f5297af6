import { readdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  PyValueError,
  clockFromEnvironment,
  decodePythonText,
  loadsPythonJson,
  isSigningError,
  loadPublicKey,
  parseDetachedSignature,
  releaseTrustRoots,
  selectReleaseSigner,
  verifyReleaseFiles,
  type ReleaseProblem,
} from '@cavra/evidence';
import { CavraError } from '@cavra/policy-model';
import { FileReadError, readRegularFile } from '@cavra/policy-model/node';
import {
  EXIT_BAD_INPUT,
  EXIT_FAILURE,
  EXIT_OK,
  EXIT_VERIFICATION_FAILED,
  reportError,
} from '../exit-codes.js';
import type { CliIo } from '../io.js';

/**
 * Exit codes of `cavra-runtime release verify`:
 * - 0: every check passed;
 * - 1: internal fault;
 * - 2: usage error, or the directory / key / trust root cannot be read or is not usable;
 * - 3: the release failed verification (every problem is in the JSON error on stderr).
 */
export const RELEASE_VERIFY_EXIT = {
  ok: EXIT_OK,
  internal: EXIT_FAILURE,
  usage: EXIT_BAD_INPUT,
  failed: EXIT_VERIFICATION_FAILED,
} as const;

export const RELEASE_VERIFY_USAGE = `Usage: cavra-runtime release verify DIR (--public-key FILE | --trust-root FILE [--strict-validity]) [--json]

Verifies a release package directory against a trusted Ed25519 public key (SPKI PEM), or against
a trust root or trust-root bundle (key rotation): every file listed in checksums.txt exists and
matches, every artifact and checksums.txt, sbom.spdx.json and release-evidence.json carry a valid
<file>.sig.json signature by that key (no other .sig.json may be present), and the SBOM and the
evidence name exactly the artifacts present.

Options:
  --public-key FILE   the trusted public key (do not use the signing-key.pub.pem shipped in DIR)
  --trust-root FILE   a trust root or bundle (cavra evidence trust-root / trust-bundle): the release
                      must be signed by one of its roots whose status is "active"; retired and
                      revoked roots are refused
  --strict-validity   with --trust-root: the root's valid_from/valid_until must also contain now
                      (CAVRA_FIXED_NOW pins now); off by default, as Python never checks them
  --json              print the report as JSON on stdout
  -h, --help          show this help

Exit codes: 0 verified, 1 internal fault, 2 usage or unreadable input, 3 verification failed.
Failures are written to stderr as {"error": {"code", "message", "issues"?}}.
`;

/** Release files are read whole; anything above this (Node's own read limit) is a verification failure, not a crash. */
export const MAX_RELEASE_FILE_BYTES = 2 * 1024 * 1024 * 1024 - 1;
/** A public key or trust-root document is small; the bound keeps a FIFO or /dev/zero from hanging the command. */
const MAX_KEY_FILE_BYTES = 1024 * 1024;

interface VerifyArgs {
  dir: string;
  publicKey: string | undefined;
  trustRoot: string | undefined;
  strictValidity: boolean;
  json: boolean;
}

const usage = (message: string): CavraError => new CavraError('usage', `release verify: ${message}`);

const parseArgs = (argv: readonly string[]): VerifyArgs | 'help' => {
  let dir: string | undefined;
  let publicKey: string | undefined;
  let trustRoot: string | undefined;
  let strictValidity = false;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '-h' || arg === '--help') return 'help';
    if (arg === '--json') json = true;
    else if (arg === '--strict-validity') strictValidity = true;
    else if (/^--(public-key|trust-root)(=|$)/.test(arg)) {
      const name = arg.startsWith('--public-key') ? '--public-key' : '--trust-root';
      const value = arg === name ? argv[++i] : arg.slice(name.length + 1);
      if (value === undefined || value === '') throw usage(`${name} needs a FILE`);
      if (name === '--public-key') publicKey = value;
      else trustRoot = value;
    } else if (arg.startsWith('-')) throw usage(`unknown option ${arg}`);
    else if (dir === undefined) dir = arg;
    else throw usage(`unexpected argument ${arg}`);
  }
  if (dir === undefined) throw usage('missing DIR');
  // Required on purpose: trusting the key shipped inside the directory would prove nothing.
  if (publicKey === undefined && trustRoot === undefined)
    throw usage('missing --public-key FILE or --trust-root FILE');
  if (publicKey !== undefined && trustRoot !== undefined)
    throw usage('give --public-key or --trust-root, not both');
  if (strictValidity && trustRoot === undefined) throw usage('--strict-validity needs --trust-root');
  return { dir, publicKey, trustRoot, strictValidity, json };
};

/** A trusted input file (key, trust root): a regular, bounded file, or exit 2. */
const readTrustedFile = (path: string, what: string): Buffer => {
  try {
    return readRegularFile(path, MAX_KEY_FILE_BYTES);
  } catch (error) {
    if (error instanceof FileReadError)
      throw new CavraError('input_unreadable', `cannot read ${what}: ${error.message}`);
    throw error;
  }
};

interface ReleaseDir {
  files: Map<string, Uint8Array>;
  /** Entries that are not part of a release, or cannot be read as one. */
  problems: ReleaseProblem[];
}

/** Reads every regular file of the release directory; subdirectories, FIFOs and oversized files are problems. */
const readReleaseDir = async (dir: string): Promise<ReleaseDir> => {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    throw new CavraError(
      'input_unreadable',
      `cannot read directory ${dir}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  const files = new Map<string, Uint8Array>();
  const problems: ReleaseProblem[] = [];
  for (const entry of entries) {
    if (!entry.isFile()) {
      problems.push({
        file: entry.name,
        code: 'unexpected_entry',
        message: 'not a regular file; a release directory holds files only',
      });
      continue;
    }
    try {
      files.set(entry.name, readRegularFile(resolve(dir, entry.name), MAX_RELEASE_FILE_BYTES));
    } catch (error) {
      if (!(error instanceof FileReadError)) throw error;
      problems.push({
        file: entry.name,
        code: error.reason === 'too_large' ? 'file_too_large' : 'unexpected_entry',
        message:
          error.reason === 'too_large'
            ? `larger than ${MAX_RELEASE_FILE_BYTES} bytes; not a release file`
            : error.message,
      });
    }
  }
  return { files, problems };
};

/** The key fingerprint the release's signatures name (checksums.txt's signature first). */
const signerFingerprint = (files: ReadonlyMap<string, Uint8Array>): string | undefined => {
  const names = [
    'checksums.txt.sig.json',
    ...[...files.keys()].filter((n) => n.endsWith('.sig.json')).sort(),
  ];
  for (const name of names) {
    const bytes = files.get(name);
    if (bytes === undefined) continue;
    try {
      return parseDetachedSignature(bytes).public_key_sha256;
    } catch (error) {
      if (!isSigningError(error)) throw error;
    }
  }
  return undefined;
};

const loadTrustRoots = (path: string, display: string) => {
  const bytes = readTrustedFile(path, `trust root ${display}`);
  let document;
  try {
    document = loadsPythonJson(decodePythonText(bytes));
  } catch (error) {
    if (error instanceof PyValueError) {
      throw new CavraError('input_unreadable', `trust root ${display} is not JSON: ${error.message}`);
    }
    throw error;
  }
  return releaseTrustRoots(document, display);
};

/** `cavra-runtime release verify DIR (--public-key FILE | --trust-root FILE) [--json]`; returns the exit code. */
export async function releaseVerifyCommand(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const args = parseArgs(argv);
    if (args === 'help') {
      io.stdout.write(RELEASE_VERIFY_USAGE);
      return RELEASE_VERIFY_EXIT.ok;
    }
    const dir = resolve(io.cwd, args.dir);
    const release = await readReleaseDir(dir);
    const problems: ReleaseProblem[] = [...release.problems];
    let publicKey;
    let signedBy: { key_id: string; status: string } | undefined;
    if (args.publicKey !== undefined) {
      try {
        publicKey = loadPublicKey(
          readTrustedFile(resolve(io.cwd, args.publicKey), `public key ${args.publicKey}`),
        );
      } catch (error) {
        if (isSigningError(error))
          throw new CavraError('input_unreadable', `${args.publicKey}: ${error.message}`);
        throw error;
      }
    } else {
      const roots = loadTrustRoots(resolve(io.cwd, args.trustRoot as string), args.trustRoot as string);
      const selection = selectReleaseSigner(roots, signerFingerprint(release.files), {
        strictValidity: args.strictValidity,
        nowMicros: clockFromEnvironment(io.env)(),
      });
      if (!selection.ok) {
        problems.push({ file: args.trustRoot as string, code: selection.code, message: selection.message });
      } else {
        publicKey = selection.root.publicKey;
        signedBy = { key_id: selection.root.keyId, status: selection.root.status };
      }
    }
    const report = publicKey ? verifyReleaseFiles(release.files, publicKey) : undefined;
    if (report) problems.push(...report.problems);
    const ok = report !== undefined && problems.length === 0;
    if (args.json) {
      io.stdout.write(
        `${JSON.stringify({ ok, dir, key_id: report?.keyId ?? null, ...(signedBy ? { trust_root: signedBy } : {}), artifacts: report?.artifacts ?? [], problems }, null, 2)}\n`,
      );
      return ok ? RELEASE_VERIFY_EXIT.ok : RELEASE_VERIFY_EXIT.failed;
    }
    if (ok && report) {
      io.stdout.write(
        `release verify: OK ${dir}\n` +
          `  key ${report.keyId}${signedBy ? ` (trust root ${signedBy.key_id}, ${signedBy.status})` : ''}; ${report.artifacts.length} artifacts; ${report.verifiedSignatures.length} signatures verified\n` +
          report.artifacts.map((name) => `  ok ${name}\n`).join(''),
      );
      return RELEASE_VERIFY_EXIT.ok;
    }
    const failure = new CavraError(
      'release_verification_failed',
      `release verify: FAILED ${dir} (${problems.length} problem${problems.length === 1 ? '' : 's'})`,
      { issues: problems.map((p) => ({ path: p.file, message: `[${p.code}] ${p.message}` })) },
    );
    return reportError(io, 'release', failure);
  } catch (error) {
    // One JSON error writer for every command; no stack traces.
    return reportError(io, 'release', error);
  }
}
