import { CavraError } from '@cavra/policy-model';
import { decideCommand } from './commands/decide.js';
import { EXIT_OK, errorPayload, exitCodeFor } from './exit-codes.js';
import { HELP_TEXT } from './help.js';
import type { CliIo } from './io.js';
import { CLI_VERSION } from './version.js';

type Command = (argv: readonly string[], io: CliIo) => Promise<number>;

const releaseCommand: Command = async (argv, io) => {
  const [action, ...rest] = argv;
  if (action !== 'verify') {
    throw new CavraError('usage', 'usage: cavra-runtime release verify DIR --public-key FILE');
  }
  const { releaseVerifyCommand } = await import('./commands/release-verify.js');
  return releaseVerifyCommand(rest, io);
};

/** Subcommands, loaded on demand so that a decision does not pay for their modules. */
const SUBCOMMANDS: Readonly<Record<string, () => Promise<Command>>> = {
  policy: async () => (await import('./commands/policy.js')).policyCommand,
  release: () => Promise.resolve(releaseCommand),
  serve: async () => (await import('./commands/serve.js')).serveCommand,
  daemon: async () => (await import('./commands/daemon.js')).daemonCommand,
  // The Go runtime's spellings: `--serve [options]`, `--lifecycle start|stop|status [options]`.
  '--serve': async () => (await import('./commands/serve.js')).serveCommand,
  '--lifecycle': async () => (await import('./commands/daemon.js')).daemonCommand,
};

/**
 * Run `cavra-runtime` with `argv` (without node and script). Returns the exit status; never
 * throws: every failure becomes a JSON error on stderr and its documented exit code.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const [first, ...rest] = argv;
    if (first === '--help' || first === '-h' || first === 'help' || first === '-help') {
      io.stdout.write(HELP_TEXT);
      return EXIT_OK;
    }
    if (first === '--version' || first === '-version' || first === 'version') {
      io.stdout.write(`cavra-runtime ${CLI_VERSION}\n`);
      return EXIT_OK;
    }
    const subcommand = first !== undefined ? SUBCOMMANDS[first] : undefined;
    if (subcommand) return await (await subcommand())(rest, io);
    if (first !== undefined && !first.startsWith('-')) {
      throw new CavraError('usage', `unknown command: ${first} (see --help)`);
    }
    return await decideCommand(argv, io);
  } catch (error) {
    io.stderr.write(`${JSON.stringify(errorPayload(error))}\n`);
    return exitCodeFor(error);
  }
}
