import { execa } from 'execa';
import { parsePyJson, type PyValue } from '@cavra/policy-model';
import { HarnessError } from '../errors.js';
import { ADAPTER_SCRIPT } from '../paths.js';
import { pythonEnv, type PythonCheckout } from './python-env.js';

export interface AdapterOptions {
  checkout: PythonCheckout;
  /** Override the adapter script (tests). */
  script?: string;
  /** Extra environment (tests plant stand-in behaviour with it). */
  env?: Readonly<Record<string, string>>;
  /** Lines written per `write()`; large chunks keep syscalls and event-loop turns low. */
  chunkLines?: number;
  /** How long `start()` waits for the hello answer. */
  startTimeoutMs?: number;
}

export interface AdapterHello {
  adapter: string;
  protocol: number;
  python: string;
  cavra: string | null;
  policyRoot: string;
  /** The imported `cavra` is the test stand-in, not the runtime: its answers are not Python's. */
  standin: boolean;
}

function spawnAdapter(options: AdapterOptions) {
  const { checkout } = options;
  return execa(checkout.python, ['-u', options.script ?? ADAPTER_SCRIPT], {
    cwd: checkout.root,
    env: pythonEnv(checkout, options.env),
    extendEnv: true,
    stdin: 'pipe',
    stdout: 'pipe',
    stderr: 'pipe',
    buffer: false,
    reject: false,
    stripFinalNewline: false,
  });
}
type AdapterProcess = ReturnType<typeof spawnAdapter>;

interface Pending {
  resolve: (line: string) => void;
  reject: (error: Error) => void;
}

const STDERR_TAIL = 4000;

/**
 * One long-lived `cavra_parity_adapter.py` process speaking JSON Lines (docs/python-compatibility.md, "Driving Python for live parity").
 * Requests are pipelined: `send()` writes many lines at once and answers are matched to
 * requests by position, because the adapter answers every line exactly once, in order.
 */
export class AdapterClient {
  private readonly pending: Pending[] = [];
  private buffer = '';
  private stderr = '';
  private exited: HarnessError | undefined;
  private closing = false;
  private markGone: () => void = () => undefined;
  /** Settles when the process is gone, so a write waiting for 'drain' cannot hang forever. */
  private readonly gone = new Promise<void>((resolve) => {
    this.markGone = resolve;
  });
  /** Lines answered since start (throughput reporting). */
  answered = 0;

  private constructor(
    private readonly child: AdapterProcess,
    private readonly chunkLines: number,
  ) {
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => this.onData(chunk));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-STDERR_TAIL);
    });
    child.stdin.on('error', () => undefined); // EPIPE after a crash is reported through exit
    child.then(
      (result) =>
        this.onExit(result.exitCode, result.exitCode === undefined ? result.shortMessage : undefined),
      (error: unknown) => this.onExit(undefined, error instanceof Error ? error.message : String(error)),
    );
  }

  /** Spawn the adapter and wait for its hello; a failing import is a clear setup error. */
  static async start(options: AdapterOptions): Promise<{ client: AdapterClient; hello: AdapterHello }> {
    const { checkout } = options;
    let child: AdapterProcess;
    try {
      child = spawnAdapter(options);
    } catch (error) {
      throw new HarnessError('adapter_start_failed', `cannot spawn ${checkout.python}: ${String(error)}`, {
        cause: error,
      });
    }
    const client = new AdapterClient(child, options.chunkLines ?? 512);
    const timeout = options.startTimeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    try {
      const answer = await Promise.race([
        client.send(['{"__adapter__": "hello"}']).then((lines) => lines[0] ?? ''),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(new HarnessError('adapter_start_failed', `adapter gave no hello within ${timeout} ms`)),
            timeout,
          );
        }),
      ]);
      const hello = parseHello(answer);
      return { client, hello };
    } catch (error) {
      client.kill();
      if (error instanceof HarnessError && error.code === 'adapter_exited') {
        throw new HarnessError(
          'adapter_start_failed',
          `the Python adapter failed to start: ${error.message}`,
          {
            cause: error,
          },
        );
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Send raw request lines (no newlines inside); resolves with the answer lines, in order. */
  async send(lines: readonly string[]): Promise<string[]> {
    if (this.exited) throw this.exited;
    const answers = Promise.all(
      lines.map(
        () =>
          new Promise<string>((resolve, reject) => {
            this.pending.push({ resolve, reject });
          }),
      ),
    );
    answers.catch(() => undefined); // observed below; avoids an unhandled rejection while writing
    const stdin = this.child.stdin;
    for (let i = 0; i < lines.length; i += this.chunkLines) {
      if (this.exited) break;
      const chunk = lines.slice(i, i + this.chunkLines).join('\n') + '\n';
      // Respect back-pressure; answers keep flowing meanwhile, so the pipes cannot deadlock.
      if (!stdin.write(chunk)) {
        await Promise.race([new Promise<void>((resolve) => stdin.once('drain', resolve)), this.gone]);
      }
    }
    return answers;
  }

  /** Send requests and parse the answers (Python json: int vs float kept). */
  async request(lines: readonly string[]): Promise<PyValue[]> {
    const answers = await this.send(lines);
    return answers.map((answer) => {
      try {
        return parsePyJson(answer);
      } catch (error) {
        throw new HarnessError(
          'adapter_protocol',
          `adapter wrote a line that is not JSON: ${answer.slice(0, 200)}`,
          {
            cause: error,
          },
        );
      }
    });
  }

  /** Close stdin and wait for a clean exit; kill after `timeoutMs`. */
  async close(timeoutMs = 5000): Promise<number | undefined> {
    this.closing = true;
    if (!this.exited) this.child.stdin.end();
    let timer: NodeJS.Timeout | undefined;
    const killed = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.kill();
        resolve();
      }, timeoutMs);
    });
    const result = await Promise.race([this.child, killed.then(() => this.child)]);
    clearTimeout(timer);
    return result.exitCode;
  }

  kill(): void {
    this.closing = true;
    this.child.kill('SIGKILL');
  }

  get stderrTail(): string {
    return this.stderr;
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let start = 0;
    for (;;) {
      const end = this.buffer.indexOf('\n', start);
      if (end < 0) break;
      const line = this.buffer.slice(start, end);
      start = end + 1;
      const waiter = this.pending.shift();
      if (!waiter) {
        this.fail(
          new HarnessError('adapter_protocol', `adapter wrote an unrequested line: ${line.slice(0, 200)}`),
        );
        return;
      }
      this.answered++;
      waiter.resolve(line);
    }
    this.buffer = this.buffer.slice(start);
  }

  private onExit(exitCode: number | undefined, problem: string | undefined): void {
    this.markGone();
    if (this.pending.length === 0 && this.closing) {
      this.exited = new HarnessError('adapter_exited', 'adapter closed');
      return;
    }
    const tail = this.stderr.trim().split('\n').slice(-8).join('\n');
    const why = problem ?? `exit status ${String(exitCode)}`;
    this.fail(new HarnessError('adapter_exited', `adapter exited (${why})${tail ? `:\n${tail}` : ''}`));
  }

  private fail(error: HarnessError): void {
    this.exited ??= error;
    for (const waiter of this.pending.splice(0)) waiter.reject(error);
  }
}

function parseHello(line: string): AdapterHello {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new HarnessError('adapter_protocol', `adapter hello is not JSON: ${line.slice(0, 200)}`);
  }
  const hello = value as Record<string, unknown>;
  if (typeof hello.error === 'string') {
    throw new HarnessError('adapter_start_failed', `adapter hello failed: ${hello.error}`);
  }
  if (hello.compiled_route !== 'ok') {
    // Without it every compiled-route case would fail; say why once, as a setup error.
    throw new HarnessError(
      'adapter_start_failed',
      `the adapter cannot force a compiled policy into RuntimeGuard: ${String(hello.compiled_route)}`,
    );
  }
  if (hello.adapter !== 'cavra-parity-adapter' || hello.protocol !== 1) {
    throw new HarnessError('adapter_protocol', `unexpected adapter hello: ${line.slice(0, 200)}`);
  }
  return {
    adapter: hello.adapter,
    protocol: hello.protocol,
    python: String(hello.python),
    cavra: typeof hello.cavra === 'string' ? hello.cavra : null,
    policyRoot: String(hello.policy_root),
    standin: hello.standin === true,
  };
}
