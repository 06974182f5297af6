import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { CavraError } from '@cavra/policy-model';
import { socketAnswers } from '@cavra/server';
import { parseArgs, stringFlag } from '../args.js';
import { defaultSocketPath } from '../daemon-client.js';
import { EXIT_OK } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { SERVE_FLAGS } from './serve.js';

/** `daemon status` when no server is running (the LSB init-script convention for "not running"). */
export const EXIT_DAEMON_NOT_RUNNING = 3;

export const DAEMON_USAGE =
  'usage: cavra-runtime daemon start|stop|status [--socket PATH] [--pid FILE] [--wait-ms N] [--log FILE] [serve options...]';

const DAEMON_FLAGS = { ...SERVE_FLAGS, 'wait-ms': 'string', log: 'string' } as const;

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readPid(pidFile: string): number | undefined {
  try {
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** The command that runs this CLI again (the same Node, loader flags and entry script). */
function selfCommand(): [string, string[]] {
  const script = process.argv[1];
  if (script === undefined) throw new CavraError('internal', 'cannot tell which script runs cavra-runtime');
  return [process.execPath, [...process.execArgv, script]];
}

/**
 * `cavra-runtime daemon start|stop|status` (`--lifecycle start|stop|status`, the Go spelling):
 * start runs `serve` in the background with a PID file and waits until its socket answers.
 */
export async function daemonCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const [action, ...rest] = argv;
  const flags = parseArgs(rest, DAEMON_FLAGS);
  const socket = resolve(io.cwd, stringFlag(flags, 'socket') ?? defaultSocketPath(io));
  const pidFile = resolve(io.cwd, stringFlag(flags, 'pid') ?? `${socket}.pid`);
  const waitText = stringFlag(flags, 'wait-ms') ?? '10000';
  const waitMs = Number(waitText);
  if (!/^\d+$/.test(waitText)) throw new CavraError('usage', '--wait-ms needs a number of milliseconds');
  const report = (record: Record<string, unknown>): void => void io.stdout.write(`${JSON.stringify(record)}\n`);

  if (action === 'status') {
    const pid = readPid(pidFile);
    const running = pid !== undefined && alive(pid) && (await socketAnswers(socket));
    report({ status: running ? 'running' : 'stopped', pid: running ? pid : null, socket });
    return running ? EXIT_OK : EXIT_DAEMON_NOT_RUNNING;
  }

  if (action === 'stop') {
    const pid = readPid(pidFile);
    if (pid === undefined || !alive(pid)) {
      rmSync(pidFile, { force: true });
      report({ status: 'stopped', pid: null, socket });
      return EXIT_OK;
    }
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + waitMs;
    while (alive(pid)) {
      if (Date.now() > deadline) throw new CavraError('server_unavailable', `server ${pid} did not stop within ${waitMs} ms`);
      await sleep(25);
    }
    rmSync(pidFile, { force: true });
    report({ status: 'stopped', pid, socket });
    return EXIT_OK;
  }

  if (action === 'start') {
    const existing = readPid(pidFile);
    if (existing !== undefined && alive(existing) && (await socketAnswers(socket))) {
      report({ status: 'running', pid: existing, socket });
      return EXIT_OK;
    }
    // serve gets the same options (re-spelt from the parsed flags), our socket and PID file.
    const serveArgs: string[] = [];
    for (const [name, value] of flags.flags) {
      if (name === 'socket' || name === 'pid' || name === 'wait-ms' || name === 'log') continue;
      if (value === true) serveArgs.push(`--${name}`);
      else for (const item of Array.isArray(value) ? value : [value as string]) serveArgs.push(`--${name}=${item}`);
    }
    const logFile = resolve(io.cwd, stringFlag(flags, 'log') ?? `${socket}.log`);
    const log = openSync(logFile, 'a', 0o600);
    const [node, prefix] = selfCommand();
    const child = spawn(node, [...prefix, 'serve', ...serveArgs, '--socket', socket, '--pid', pidFile], {
      cwd: io.cwd,
      env: io.env,
      detached: true,
      stdio: ['ignore', log, log],
    });
    closeSync(log);
    let exited: number | null | undefined;
    child.once('exit', (code) => (exited = code));
    const deadline = Date.now() + waitMs;
    // Ready when the PID file names the child and its socket answers.
    while (!(readPid(pidFile) === child.pid && existsSync(socket) && (await socketAnswers(socket)))) {
      if (exited !== undefined) {
        const tail = readFileSync(logFile, 'utf8').trim().split('\n').slice(-3).join(' ');
        throw new CavraError('server_unavailable', `the server exited (${String(exited)}) before it was ready: ${tail}`);
      }
      if (Date.now() > deadline) {
        child.kill('SIGTERM');
        throw new CavraError('server_unavailable', `the server was not ready within ${waitMs} ms`);
      }
      await sleep(25);
    }
    child.unref(); // the server outlives this command
    report({ status: 'running', pid: child.pid, socket });
    return EXIT_OK;
  }

  throw new CavraError('usage', DAEMON_USAGE);
}
