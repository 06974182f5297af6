import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pythonPathString } from '@cavra/evaluator';
import { createDecisionEngine } from '@cavra/engine';
import {
  PyOsError,
  PyValueError,
  buildKeyTrustRoot,
  buildTrustRootBundle,
  buildTrustRootDistribution,
  clockFromEnvironment,
  crashFromOsError,
  createEvidenceBundle,
  fileNotFound,
  generateSigningKeyPair,
  isADirectory,
  loadManifestPrivateKey,
  privateKeyPem,
  publicKeyPem,
  pythonJsonFileText,
  verifyEvidenceBundle,
  type EvidenceReader,
} from '@cavra/evidence';
import { CavraError, type PyDict, type PyValue } from '@cavra/policy-model';
import { FileReadError, readRegularFile } from '@cavra/policy-model/node';
import { booleanFlag, parseArgs, stringFlag, stringsFlag, type FlagSpec, type ParsedArgs } from '../args.js';
import { exitStatusFor, reportError } from '../exit-codes.js';
import type { CliIo } from '../io.js';

/**
 * Exit statuses of `cavra-runtime evidence …`, Python's `cavra evidence …` ones: 0 done or
 * verified; 1 verification failed, a handled error (its message on stdout) or an input Python
 * crashes on (a JSON error on stderr); 2 usage. One table, so the CLI's exit table can absorb it.
 */
export const EVIDENCE_EXIT = {
  ok: 0,
  verificationFailed: 1,
  handledError: 1,
  crash: 1,
  usage: 2,
} as const;

/** The exit status for an error thrown by an `evidence` subcommand. */
export const evidenceExitCodeFor = (error: unknown): number => exitStatusFor('evidence', error);

export type EvidenceSubcommand = (argv: readonly string[], io: CliIo) => Promise<number>;

/** Evidence files are read whole but bounded: no FIFO, device or unbounded file can hang or exhaust the process. */
const MAX_EVIDENCE_FILE_BYTES = 256 * 1024 * 1024;

/** Reads through `readRegularFile`, turning its failures into Python's `OSError`s (or a refusal for FIFOs and devices). */
function cliEvidenceReader(cwd: string): EvidenceReader {
  return {
    exists: (path) => existsSync(resolve(cwd, path)),
    read: (path) => {
      try {
        return readRegularFile(resolve(cwd, path), MAX_EVIDENCE_FILE_BYTES);
      } catch (error) {
        if (!(error instanceof FileReadError)) throw error;
        if (error.reason === 'not_found') throw fileNotFound(path);
        if (error.reason === 'is_directory') throw isADirectory(path);
        throw new CavraError(
          'evidence_unreadable',
          `${path}: ${error.reason === 'too_large' ? `larger than ${MAX_EVIDENCE_FILE_BYTES} bytes` : error.reason === 'not_regular' ? 'not a regular file' : 'cannot be read'}`,
        );
      }
    },
  };
}

const writeOutput = (io: CliIo, path: string, bytes: Uint8Array | string, mode?: number): void => {
  const full = resolve(io.cwd, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, bytes, mode === undefined ? undefined : { mode });
  if (mode !== undefined) chmodSync(full, mode);
};

const println = (io: CliIo, line: string): void => {
  io.stdout.write(`${line}\n`);
};

/** Typer-style argument parsing: unknown options and missing arguments are usage errors (exit 2). */
function parse(argv: readonly string[], spec: FlagSpec, usage: string): ParsedArgs | 'help' {
  if (argv.includes('--help') || argv.includes('-h')) return 'help';
  try {
    // Python's options keep '' as a value of its own (`--key-id ''` is absent, `--public-key ''` is '.').
    return parseArgs(argv, spec, {}, { allowEmptyValues: true });
  } catch (error) {
    if (error instanceof CavraError) throw new CavraError('usage', `${error.message}\n${usage}`);
    throw error;
  }
}

const missingArgument = (name: string, usage: string): CavraError =>
  new CavraError('usage', `Missing argument '${name}'.\n${usage}`);

/** Python's `int()` on a command-line value (Typer's INT): optional sign, digits, underscores between digits. */
function pythonIntOption(value: string | undefined, name: string, usage: string): bigint | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (!/^[+-]?\d+(?:_\d+)*$/.test(text)) {
    throw new CavraError(
      'usage',
      `Invalid value for '--${name}': '${value}' is not a valid integer.\n${usage}`,
    );
  }
  return BigInt(text.replace(/_/g, ''));
}

/**
 * Runs a subcommand body with Python's error handling: `PyValueError` (and the `OSError`s the
 * command catches) print their message on stdout, exit 1; everything else propagates to the
 * JSON error writer.
 */
async function handled(
  io: CliIo,
  catchOsErrors: boolean,
  body: () => number | Promise<number>,
): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (
      error instanceof PyValueError ||
      (catchOsErrors && error instanceof PyOsError && error.pythonType === 'FileNotFoundError')
    ) {
      println(io, error.message);
      return EVIDENCE_EXIT.handledError;
    }
    if (error instanceof PyOsError) throw crashFromOsError(error);
    throw error;
  }
}

const GENERATE_USAGE =
  'Usage: cavra-runtime evidence generate-keypair [--private-key PATH] [--public-key PATH]';
const generateKeypair: EvidenceSubcommand = (argv, io) => {
  const args = parse(argv, { 'private-key': 'string', 'public-key': 'string' }, GENERATE_USAGE);
  if (args === 'help') return Promise.resolve(printHelp(io, GENERATE_USAGE));
  if (args.positionals.length > 0)
    throw new CavraError(
      'usage',
      `Got unexpected extra argument (${args.positionals[0]})\n${GENERATE_USAGE}`,
    );
  const privatePath = stringFlag(args, 'private-key') ?? '.cavra/keys/evidence-ed25519-private.pem';
  const publicPath = stringFlag(args, 'public-key') ?? '.cavra/keys/evidence-ed25519-public.pem';
  const keys = generateSigningKeyPair();
  // The private key is readable by its owner only.
  writeOutput(io, privatePath, privateKeyPem(keys.privateKey), 0o600);
  writeOutput(io, publicPath, publicKeyPem(keys.publicKey));
  println(io, `evidence keypair created ${pythonPathString(publicPath)}`);
  println(io, `private key: ${pythonPathString(privatePath)}`);
  return Promise.resolve(EVIDENCE_EXIT.ok);
};

const TRUST_ROOT_USAGE =
  'Usage: cavra-runtime evidence trust-root PUBLIC_KEY [--output PATH] [--key-id TEXT] [--owner TEXT] [--status TEXT]';
const trustRoot: EvidenceSubcommand = async (argv, io) => {
  const args = parse(
    argv,
    { output: 'string', 'key-id': 'string', owner: 'string', status: 'string' },
    TRUST_ROOT_USAGE,
  );
  if (args === 'help') return printHelp(io, TRUST_ROOT_USAGE);
  const [publicKey, extra] = args.positionals;
  if (publicKey === undefined) throw missingArgument('PUBLIC_KEY', TRUST_ROOT_USAGE);
  if (extra !== undefined)
    throw new CavraError('usage', `Got unexpected extra argument (${extra})\n${TRUST_ROOT_USAGE}`);
  const output = stringFlag(args, 'output') ?? '.cavra/keys/evidence-trust-root.json';
  const clock = clockFromEnvironment(io.env);
  // Python catches nothing here: a missing key file is a crash (exit 1).
  return handled(io, false, () => {
    const pem = cliEvidenceReader(io.cwd).read(publicKey);
    const root = buildKeyTrustRoot(pem, {
      keyId: stringFlag(args, 'key-id'),
      owner: stringFlag(args, 'owner'),
      status: stringFlag(args, 'status'),
      clock,
    });
    writeOutput(io, output, pythonJsonFileText(root));
    println(io, `trust root exported ${pythonPathString(output)}`);
    return EVIDENCE_EXIT.ok;
  });
};

const TRUST_BUNDLE_USAGE = 'Usage: cavra-runtime evidence trust-bundle TRUST_ROOTS... [--output PATH]';
const trustBundle: EvidenceSubcommand = async (argv, io) => {
  const args = parse(argv, { output: 'string' }, TRUST_BUNDLE_USAGE);
  if (args === 'help') return printHelp(io, TRUST_BUNDLE_USAGE);
  if (args.positionals.length === 0) throw missingArgument('TRUST_ROOTS...', TRUST_BUNDLE_USAGE);
  const output = stringFlag(args, 'output') ?? '.cavra/keys/evidence-trust-roots.json';
  const clock = clockFromEnvironment(io.env);
  const reader = cliEvidenceReader(io.cwd);
  return handled(io, true, () => {
    const bundle = buildTrustRootBundle((path) => reader.read(path), args.positionals, clock);
    writeOutput(io, output, pythonJsonFileText(bundle));
    println(io, `trust-root bundle exported ${pythonPathString(output)}`);
    return EVIDENCE_EXIT.ok;
  });
};

const TRUST_DISTRIBUTION_USAGE =
  'Usage: cavra-runtime evidence trust-distribution TRUST_ROOTS... [--output DIR] [--environment TEXT] [--distribution-id TEXT] [--channel TEXT]...';
const trustDistribution: EvidenceSubcommand = async (argv, io) => {
  const args = parse(
    argv,
    { output: 'string', environment: 'string', 'distribution-id': 'string', channel: 'strings' },
    TRUST_DISTRIBUTION_USAGE,
  );
  if (args === 'help') return printHelp(io, TRUST_DISTRIBUTION_USAGE);
  if (args.positionals.length === 0) throw missingArgument('TRUST_ROOTS...', TRUST_DISTRIBUTION_USAGE);
  const output = stringFlag(args, 'output') ?? '.cavra/keys/trust-root-distribution';
  const clock = clockFromEnvironment(io.env);
  const reader = cliEvidenceReader(io.cwd);
  return handled(io, true, () => {
    // As in Python, the directory exists before the roots are checked (a failure leaves it empty).
    mkdirSync(resolve(io.cwd, output), { recursive: true });
    const files = buildTrustRootDistribution((path) => reader.read(path), args.positionals, {
      environment: stringFlag(args, 'environment'),
      distributionId: stringFlag(args, 'distribution-id'),
      channels: stringsFlag(args, 'channel'),
      clock,
    });
    const shown = pythonPathString(output);
    for (const [name, bytes] of files) writeOutput(io, resolve(io.cwd, output, name), bytes);
    println(io, `trust-root distribution exported ${shown}`);
    for (const name of files.keys()) println(io, `  ${shown === '.' ? name : `${shown}/${name}`}`);
    return EVIDENCE_EXIT.ok;
  });
};

/** The fixed demonstration session `cavra evidence bundle` records: seven actions of one agent. */
const DEMO_ACTIONS: ReadonlyArray<Record<string, string>> = [
  { action_type: 'read_file', target: '.env' },
  { action_type: 'write_file', target: 'iam/admin-role.tf' },
  { action_type: 'execute_command', target: 'terraform plan' },
  { action_type: 'execute_command', target: 'terraform apply -auto-approve' },
  { action_type: 'mcp_tool_call', server: 'unknown-filesystem', tool: 'read_file', capability: 'filesystem' },
  { action_type: 'git_operation', target: 'origin/main', operation: 'push' },
  { action_type: 'pull_request', target: 'create PR', operation: 'create' },
];

const decisionDict = (decision: object): PyDict =>
  new Map<PyValue, PyValue>(Object.entries(decision).map(([key, value]) => [key, value as PyValue]));

const BUNDLE_USAGE =
  'Usage: cavra-runtime evidence bundle [--output DIR] [--policy-pack ID] [--signer TEXT] [--key TEXT | --private-key PATH] [--key-id TEXT] [--retention-days INT] [--classification TEXT] [--legal-hold | --no-legal-hold]';
const bundle: EvidenceSubcommand = async (argv, io) => {
  const args = parse(
    argv,
    {
      output: 'string',
      'policy-pack': 'string',
      signer: 'string',
      key: 'string',
      'private-key': 'string',
      'key-id': 'string',
      'retention-days': 'string',
      classification: 'string',
      'legal-hold': 'boolean',
      'no-legal-hold': 'boolean',
    },
    BUNDLE_USAGE,
  );
  if (args === 'help') return printHelp(io, BUNDLE_USAGE);
  if (args.positionals.length > 0)
    throw new CavraError('usage', `Got unexpected extra argument (${args.positionals[0]})\n${BUNDLE_USAGE}`);
  const output = stringFlag(args, 'output') ?? '.cavra/evidence/latest';
  const retentionDays =
    pythonIntOption(stringFlag(args, 'retention-days'), 'retention-days', BUNDLE_USAGE) ?? 2555n;
  const legalHold = booleanFlag(args, 'legal-hold') && !booleanFlag(args, 'no-legal-hold');
  const clock = clockFromEnvironment(io.env);
  const policyPack = stringFlag(args, 'policy-pack') ?? 'cavra-ai-agent-baseline';
  // The decisions are this project's own (the same engine as every other command), stamped by the same clock.
  const engine = createDecisionEngine({ envelope: { clock } });
  const decisions = DEMO_ACTIONS.map((action) =>
    decisionDict(
      engine.decide({
        ...action,
        policy_pack: policyPack,
        session_id: 'local',
        agent_id: 'demo-agent',
        actor: 'simulated-ai-agent',
      }),
    ),
  );
  const reader = cliEvidenceReader(io.cwd);
  const privateKeyPath = stringFlag(args, 'private-key');
  return handled(io, false, () => {
    mkdirSync(resolve(io.cwd, output), { recursive: true });
    createEvidenceBundle(decisions, {
      sessionId: 'demo-session',
      retentionDays,
      classification: stringFlag(args, 'classification') ?? 'regulated-sdlc',
      legalHold,
      clock,
      signing: () => {
        const hmacKey = stringFlag(args, 'key');
        if (hmacKey && privateKeyPath)
          throw new PyValueError('Use either HMAC key or private key, not both.');
        return {
          signer: stringFlag(args, 'signer') ?? 'local',
          hmacKey,
          privateKey: privateKeyPath ? loadManifestPrivateKey(reader.read(privateKeyPath)) : undefined,
          keyId: stringFlag(args, 'key-id'),
        };
      },
      write: (name, bytes) => writeOutput(io, resolve(io.cwd, output, name), bytes),
    });
    const shown = pythonPathString(output);
    println(io, `evidence bundle created ${shown}`);
    println(io, `manifest: ${shown === '.' ? '' : `${shown}/`}manifest.json`);
    return EVIDENCE_EXIT.ok;
  });
};

/** A Typer `Path` option: `str(Path(value))`, so `""` is `.` (and still counts as given). */
const pathOption = (args: ParsedArgs, name: string): string | undefined => {
  const value = stringFlag(args, name);
  return value === undefined ? undefined : pythonPathString(value);
};

const VERIFY_USAGE =
  'Usage: cavra-runtime evidence verify BUNDLE_DIR [--key TEXT | --public-key PATH | --trust-root PATH] [--key-id TEXT] [--minimum-retention-days INT]';
const verify: EvidenceSubcommand = async (argv, io) => {
  const args = parse(
    argv,
    {
      key: 'string',
      'public-key': 'string',
      'trust-root': 'string',
      'key-id': 'string',
      'minimum-retention-days': 'string',
    },
    VERIFY_USAGE,
  );
  if (args === 'help') return printHelp(io, VERIFY_USAGE);
  const [bundleDir, extra] = args.positionals;
  if (bundleDir === undefined) throw missingArgument('BUNDLE_DIR', VERIFY_USAGE);
  if (extra !== undefined)
    throw new CavraError('usage', `Got unexpected extra argument (${extra})\n${VERIFY_USAGE}`);
  const minimum = pythonIntOption(
    stringFlag(args, 'minimum-retention-days'),
    'minimum-retention-days',
    VERIFY_USAGE,
  );
  return handled(io, false, () => {
    const verdict = verifyEvidenceBundle(cliEvidenceReader(io.cwd), pythonPathString(bundleDir), {
      key: stringFlag(args, 'key'),
      publicKey: pathOption(args, 'public-key'),
      trustRoot: pathOption(args, 'trust-root'),
      keyId: stringFlag(args, 'key-id'),
      minimumRetentionDays: minimum,
    });
    if (verdict.ok) {
      println(io, 'evidence verified');
      return EVIDENCE_EXIT.ok;
    }
    println(io, 'evidence verification failed');
    for (const error of verdict.errors) println(io, `  - ${error}`);
    return EVIDENCE_EXIT.verificationFailed;
  });
};

/**
 * The `evidence` subcommands, loaded by name. One line per subcommand; another module's
 * subcommand is added the same way, e.g.
 * `'verify-log': async () => (await import('./evidence-verify-log.js')).evidenceVerifyLogCommand`.
 */
export const EVIDENCE_SUBCOMMANDS: Readonly<Record<string, () => Promise<EvidenceSubcommand>>> = {
  'generate-keypair': () => Promise.resolve(generateKeypair),
  'trust-root': () => Promise.resolve(trustRoot),
  'trust-bundle': () => Promise.resolve(trustBundle),
  'trust-distribution': () => Promise.resolve(trustDistribution),
  bundle: () => Promise.resolve(bundle),
  verify: () => Promise.resolve(verify),
  'verify-log': async () => (await import('./evidence-verify-log.js')).evidenceVerifyLogCommand,
};

export const EVIDENCE_USAGE = `Usage: cavra-runtime evidence COMMAND [ARGS]...

Trust roots, offline trust-root distributions and signed evidence bundles, byte for byte as
Python's \`cavra evidence\` writes and judges them. Set CAVRA_FIXED_NOW to an ISO-8601 instant
to make every timestamp an export writes reproducible.

Commands: ${Object.keys(EVIDENCE_SUBCOMMANDS).join(', ')}
Exit status: 0 done or verified; 1 verification failed or a failure; 2 usage.
`;

function printHelp(io: CliIo, usage: string): number {
  io.stdout.write(`${usage}\n`);
  return EVIDENCE_EXIT.ok;
}

/** `cavra-runtime evidence COMMAND …`. Never throws: every failure is written and mapped to its exit status. */
export async function evidenceCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    if (name === undefined) {
      io.stderr.write(EVIDENCE_USAGE);
      return EVIDENCE_EXIT.usage;
    }
    io.stdout.write(EVIDENCE_USAGE);
    return EVIDENCE_EXIT.ok;
  }
  const load = Object.hasOwn(EVIDENCE_SUBCOMMANDS, name) ? EVIDENCE_SUBCOMMANDS[name] : undefined;
  try {
    if (!load) throw new CavraError('usage', `No such command '${name}'.\n${EVIDENCE_USAGE}`);
    return await (
      await load()
    )(rest, io);
  } catch (error) {
    // The one error writer (with Python's traceback line as `python` where there is one).
    return reportError(io, 'evidence', error);
  }
}
