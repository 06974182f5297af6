import { CavraError } from '@cavra/policy-model';
import { ExitStatus, writeError } from './exit-codes.js';
import { main } from './main.js';

/**
 * What a failed stdout write ends with. A closed reader (`| head`: EPIPE) is not an error: exit
 * 0. Anything else (ENOSPC on a full disk, EIO) means a decision may not have been delivered:
 * a JSON `output_failed` error on stderr and exit 1, never a stack trace.
 */
export function onStdoutError(error: NodeJS.ErrnoException, stderr: { write(chunk: string): unknown }): ExitStatus {
  if (error.code === 'EPIPE') return ExitStatus.Ok;
  try {
    writeError(
      { stderr },
      new CavraError('output_failed', `cannot write to stdout: ${error.code ?? error.message}`),
    );
  } catch {
    // stderr is broken too: the exit status is all that is left.
  }
  return ExitStatus.Failure;
}

/** Run `cavra-runtime` as a process: argv, stdio and environment from `process`; sets the exit code. */
export async function runCli(): Promise<void> {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    // Exit now: the stream is destroyed, and a batch run would otherwise wait for a drain.
    process.exit(onStdoutError(error, process.stderr));
  });
  process.exitCode = await main(process.argv.slice(2), {
    // Read on first use: creating process.stdin costs milliseconds, and `--input FILE` never needs it.
    get stdin() {
      return process.stdin;
    },
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
  });
}
