import { CavraError } from '@cavra/policy-model';
import { decideCommand } from './commands/decide.js';
import { ExitStatus, reportError } from './exit-codes.js';
import { HELP_TEXT } from './help.js';
import type { CliIo } from './io.js';
import { CLI_VERSION } from './version.js';

/**
 * A subcommand: gets the arguments after its name, returns its exit status, and throws
 * `CavraError` for a failure (written by `main` with the one error writer, its status taken
 * from the exit table under the subcommand's name).
 */
export type Command = (argv: readonly string[], io: CliIo) => Promise<number>;

const releaseCommand: Command = async (argv, io) => {
  const [action, ...rest] = argv;
  if (action !== 'verify') {
    throw new CavraError('usage', 'usage: cavra-runtime release verify DIR (--public-key FILE | --trust-root FILE)');
  }
  const { releaseVerifyCommand } = await import('./commands/release-verify.js');
  return releaseVerifyCommand(rest, io);
};

/**
 * Subcommands, loaded on demand so that a decision does not pay for their modules. Add one line
 * per command; its exit statuses come from `EXIT_TABLE` (exit-codes.ts) under the same name.
 */
const SUBCOMMANDS: Readonly<Record<string, () => Promise<Command>>> = {
  evidence: async () => (await import('./commands/evidence.js')).evidenceCommand,
  policy: async () => (await import('./commands/policy.js')).policyCommand,
  approval: async () => (await import('./commands/approval.js')).approvalCommand,
  release: () => Promise.resolve(releaseCommand),
  hook: async () => (await import('./commands/hook.js')).hookCommand,
  init: async () => (await import('./commands/init.js')).initCommand,
  serve: async () => (await import('./commands/serve.js')).serveCommand,
  daemon: async () => (await import('./commands/daemon.js')).daemonCommand,
  // The Go runtime's spellings: `--serve [options]`, `--lifecycle start|stop|status [options]`.
  '--serve': async () => (await import('./commands/serve.js')).serveCommand,
  '--lifecycle': async () => (await import('./commands/daemon.js')).daemonCommand,
};

/** The name a decision's errors are looked up under in the exit table. */
export const DECIDE_COMMAND = 'decide';

/**
 * Run `cavra-runtime` with `argv` (without node and script). Returns the exit status; never
 * throws: every failure becomes a JSON error on stderr and its documented exit code.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv;
  const subcommand = first !== undefined && Object.hasOwn(SUBCOMMANDS, first) ? SUBCOMMANDS[first] : undefined;
  const command = subcommand ? (first as string) : DECIDE_COMMAND;
  try {
    if (first === '--help' || first === '-h' || first === 'help' || first === '-help') {
      io.stdout.write(HELP_TEXT);
      return ExitStatus.Ok;
    }
    if (first === '--version' || first === '-version' || first === 'version') {
      io.stdout.write(`cavra-runtime ${CLI_VERSION}\n`);
      return ExitStatus.Ok;
    }
    if (subcommand) return await (await subcommand())(rest, io);
    if (first !== undefined && !first.startsWith('-')) {
      throw new CavraError('usage', `unknown command: ${first} (see --help)`);
    }
    return await decideCommand(argv, io);
  } catch (error) {
    return reportError(io, command, error);
  }
}
