import { execa } from 'execa';
import { HarnessError } from '../errors.js';
import { pythonEnv, type PythonCheckout } from './python-env.js';

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * `python3 -m cavra.cli ...` (docs/python-compatibility.md, "Driving Python for live parity"): cwd is the checkout root, the console is
 * made wide so Rich does not fold JSON lines, and the pack directory is explicit.
 */
export async function runPythonCli(
  checkout: PythonCheckout,
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
): Promise<CliResult> {
  const result = await execa(checkout.python, ['-m', 'cavra.cli', ...args], {
    cwd: checkout.root,
    env: pythonEnv(checkout, env),
    extendEnv: true,
    reject: false,
    stripFinalNewline: false,
    timeout: 60_000,
  });
  if (result.failed && result.exitCode === undefined) {
    throw new HarnessError(
      'python_cli_failed',
      `cannot run ${checkout.python} -m cavra.cli: ${result.shortMessage}`,
    );
  }
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}

function required(result: CliResult, what: string): string {
  if (result.exitCode !== 0) {
    const tail = result.stderr.trim().split('\n').slice(-5).join('\n');
    throw new HarnessError(
      'python_cli_failed',
      `python -m cavra.cli ${what} exited ${result.exitCode}:\n${tail}`,
    );
  }
  return result.stdout;
}

/** `version` prints `cavra <version>`. */
export async function pythonVersion(
  checkout: PythonCheckout,
  env?: Readonly<Record<string, string>>,
): Promise<string> {
  return required(await runPythonCli(checkout, ['version'], env), 'version').trim();
}

/** `policy list`: `Available policy packs:` then `  {id}: {title}` lines (there is no JSON form). */
export function parsePolicyList(stdout: string): { id: string; title: string }[] {
  const lines = stdout.split('\n');
  const start = lines.findIndex((line) => line.trim() === 'Available policy packs:');
  if (start < 0)
    throw new HarnessError('python_cli_failed', `unexpected policy list output: ${stdout.slice(0, 200)}`);
  return lines
    .slice(start + 1)
    .filter((line) => line.startsWith('  '))
    .map((line) => {
      const text = line.slice(2);
      const colon = text.indexOf(': ');
      return colon < 0
        ? { id: text.replace(/:$/, ''), title: '' }
        : { id: text.slice(0, colon), title: text.slice(colon + 2) };
    });
}

export async function pythonPolicyList(
  checkout: PythonCheckout,
  env?: Readonly<Record<string, string>>,
): Promise<{ id: string; title: string }[]> {
  return parsePolicyList(required(await runPythonCli(checkout, ['policy', 'list'], env), 'policy list'));
}

/** `policy compile --policy-pack ID`: the raw stdout, compared byte for byte. */
export async function pythonCompile(
  checkout: PythonCheckout,
  pack: string,
  env?: Readonly<Record<string, string>>,
): Promise<CliResult> {
  return runPythonCli(checkout, ['policy', 'compile', '--policy-pack', pack], env);
}

/** `evaluate ACTION TARGET --policy-pack ID --json`; `--` so a target may start with `-`. */
export async function pythonEvaluate(
  checkout: PythonCheckout,
  action: string,
  target: string,
  pack: string,
  env?: Readonly<Record<string, string>>,
): Promise<CliResult> {
  return runPythonCli(checkout, ['evaluate', '--policy-pack', pack, '--json', '--', action, target], env);
}

/** Run `tasks` with at most `limit` in flight (CLI calls cost an interpreter each). */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
