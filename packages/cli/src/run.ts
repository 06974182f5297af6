import { main } from './main.js';

/** Run `cavra-runtime` as a process: argv, stdio and environment from `process`; sets the exit code. */
export async function runCli(): Promise<void> {
  // A closed stdout (e.g. `| head`) is not an error worth a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  process.exitCode = await main(process.argv.slice(2), {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
  });
}
