/**
 * `pnpm bench` (server and batch path): numbers printed side by side from one run, loopback only,
 * every loop bounded. Needs a build (turbo runs `build` first): the server and `--batch` run as
 * real processes from packages/cli/dist.
 *
 *   batch path     --batch end to end vs the previous batch loop, a readline loop with decisions,
 *                  and a bare Node readline + JSON.parse + JSON.stringify loop (the I/O floor),
 *                  on the same 50,000 corpus requests; Python's adapter batch loop with --python-root DIR
 *   latency        p50/p99 at concurrency 1 over the Unix socket and over HTTP keep-alive (p99 < 1 ms)
 *   throughput     HTTP at concurrency 32 with autocannon (>= 30,000 decisions/s)
 *   RSS            of the server after 1,000,000 decisions (no growth)
 *   idle           10,000 idle socket connections, then one request still answered
 *
 * `--quick` shortens every phase. Results go to bench-results/server.json at the repository root.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createReadStream, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { answerLine, BatchStream, createDecisionEngine, engineAnswerer, runBatch } from '@cavra/engine';
import { countingSink, readCorpus } from '@cavra/test-fixtures';
import { previousDecideBatch } from './previous-batch.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = `${ROOT}packages/cli/dist/bin.cjs`;
const quick = process.argv.includes('--quick');
/** `--batch-only`: the batch contenders alone (results in bench-results/batch.json), not the server. */
const batchOnly = process.argv.includes('--batch-only');
const pythonRootIndex = process.argv.indexOf('--python-root');
const pythonRootArg = pythonRootIndex === -1 ? undefined : process.argv[pythonRootIndex + 1];
const pythonRoot = pythonRootArg === undefined ? undefined : resolve(pythonRootArg);
const work = mkdtempSync(join(tmpdir(), 'cavra-server-bench-'));
const results: Record<string, unknown> = {};
const lines: string[] = [];
const say = (line: string): void => {
  lines.push(line);
  console.log(line);
};
const fmt = (n: number): string => Math.round(n).toLocaleString('en');

// This machine is shared: the load average says how far absolute numbers are from a quiet run.
results.machine = { node: process.version, cpus: cpus().length, load_average_1m_at_start: Number((loadavg()[0] ?? 0).toFixed(1)) };
say(`machine: ${cpus().length} CPUs, load average ${(loadavg()[0] ?? 0).toFixed(1)} at start (ratios are measured side by side in this run)`);

// --- the same 50,000 requests for every batch contender ----------------------------------------
const packRequests = readCorpus()
  .filter((c) => !c.policy_file && !c.registry)
  .map((c) => JSON.stringify(c.request));
const BATCH_LINES = quick ? 10_000 : 50_000;
const batchLines = Array.from({ length: BATCH_LINES }, (_, i) => packRequests[i % packRequests.length] as string);
const batchFile = join(work, 'batch.jsonl');
writeFileSync(batchFile, `${batchLines.join('\n')}\n`);


async function timed(run: () => Promise<number>): Promise<{ seconds: number; lines: number }> {
  const started = performance.now();
  const produced = await run();
  return { seconds: (performance.now() - started) / 1000, lines: produced };
}

/** Runs a Node process with `args`; resolves with the lines it printed (it must exit 0). */
const processLines = (args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let count = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) count++;
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(count) : reject(new Error(`${args.join(' ')} exited ${String(code)}`))));
  });
/** `--batch` on the batch file as a process. */
const batchProcessLines = (env: NodeJS.ProcessEnv): Promise<number> => processLines([BIN, '--batch', '--input', batchFile], env);
/**
 * The I/O floor as a process: a bare Node script that reads the same file with readline and
 * prints JSON.stringify(JSON.parse(line)) per line (no decision), Node start-up included.
 */
const FLOOR_SCRIPT = `
const { createReadStream } = require('node:fs');
const { createInterface } = require('node:readline');
(async () => {
  let out = [];
  for await (const line of createInterface({ input: createReadStream(process.argv[1]), crlfDelay: Infinity })) {
    out.push(JSON.stringify(JSON.parse(line)));
    if (out.length === 1000) { process.stdout.write(out.join('\\n') + '\\n'); out = []; }
  }
  if (out.length > 0) process.stdout.write(out.join('\\n') + '\\n');
})();
`;

const engine = createDecisionEngine();
const contenders: [string, () => Promise<number>][] = [
  [
    'bare readline+JSON.parse+JSON.stringify (no decision; the I/O floor)',
    async () => {
      const out = countingSink();
      for await (const line of createInterface({ input: createReadStream(batchFile), crlfDelay: Infinity })) {
        out.write(`${JSON.stringify(JSON.parse(line))}\n`);
      }
      return out.lines;
    },
  ],
  [
    'readline loop with decisions (the naive Node batch)',
    async () => {
      const out = countingSink();
      for await (const line of createInterface({ input: createReadStream(batchFile), crlfDelay: Infinity })) {
        out.write(`${answerLine(engine.decide(JSON.parse(line)))}\n`);
      }
      return out.lines;
    },
  ],
  [
    'previous --batch loop (in-process)',
    async () => {
      const out = countingSink();
      await previousDecideBatch(engine, createReadStream(batchFile), out);
      return out.lines;
    },
  ],
  [
    'shared batch path runBatch (in-process)',
    async () => {
      const out = countingSink();
      await runBatch(createReadStream(batchFile), engineAnswerer(engine), (bytes) => void out.write(bytes));
      return out.lines;
    },
  ],
  ['bare Node process: readline+JSON.parse+JSON.stringify (no decision; the process floor)', () => processLines(['-e', FLOOR_SCRIPT, batchFile])],
  ['cavra-runtime --batch (process, end to end)', () => batchProcessLines(process.env)],
  // This machine sets NODE_EXTRA_CA_CERTS, which costs every Node start ~60 ms; Python pays nothing like it.
  [
    'cavra-runtime --batch (process, end to end, NODE_EXTRA_CA_CERTS unset)',
    () => batchProcessLines(Object.fromEntries(Object.entries(process.env).filter(([key]) => key !== 'NODE_EXTRA_CA_CERTS'))),
  ],
];
say(`batch path: ${fmt(BATCH_LINES)} corpus requests, median of 5 rounds each, interleaved`);
const rounds = new Map<string, number[]>();
for (const [, run] of contenders) await run(); // warm-up
for (let round = 0; round < 5; round++) {
  for (const [name, run] of contenders) {
    const { seconds, lines: produced } = await timed(run);
    if (produced !== BATCH_LINES) throw new Error(`${name} produced ${produced} of ${BATCH_LINES} lines`);
    rounds.set(name, [...(rounds.get(name) ?? []), BATCH_LINES / seconds]);
  }
}
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
const batchRates: Record<string, number> = {};
for (const [name] of contenders) batchRates[name] = Math.round(median(rounds.get(name) as number[]));
const floor = batchRates[contenders[0]?.[0] as string] as number;
const naive = batchRates[contenders[1]?.[0] as string] as number;
for (const [name, rate] of Object.entries(batchRates)) {
  say(`  ${fmt(rate).padStart(9)} lines/s  ${(rate / naive).toFixed(2)}x naive  ${(rate / floor).toFixed(2)}x floor  ${name}`);
}
results.batch = batchRates;
if (pythonRoot) {
  // Python's batch loop as the parity harness runs it: its adapter over the same file, one process.
  const pythonIndex = process.argv.indexOf('--python');
  const python = (pythonIndex === -1 ? undefined : process.argv[pythonIndex + 1]) ?? 'python3';
  const adapter = `${ROOT}apps/parity-harness/python/cavra_parity_adapter.py`;
  const pythonInput = join(work, 'python-batch.jsonl');
  writeFileSync(pythonInput, `{"__adapter__": "hello"}\n${batchLines.join('\n')}\n`);
  const runPython = (): Promise<{ seconds: number; lines: number; hello: string }> =>
    new Promise((resolve, reject) => {
      const started = performance.now();
      const child = spawn(python, ['-u', adapter], {
        cwd: pythonRoot,
        env: {
          ...process.env,
          PYTHONPATH: join(pythonRoot, 'src'),
          PYTHONIOENCODING: 'utf-8',
          PYTHONDONTWRITEBYTECODE: '1',
          CAVRA_POLICY_DIR: `${ROOT}packages/policy-model/packs`,
        },
        stdio: [openSync(pythonInput, 'r'), 'pipe', 'inherit'],
      });
      let count = 0;
      let first = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        if (count === 0) first += chunk.toString('utf8').split('\n')[0];
        for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) count++;
      });
      child.on('error', reject);
      child.on('close', (code) =>
        code === 0
          ? resolve({ seconds: (performance.now() - started) / 1000, lines: count - 1, hello: first })
          : reject(new Error(`the Python adapter exited ${String(code)}`)),
      );
    });
  const pythonRuns = [await runPython(), await runPython(), await runPython()];
  if (pythonRuns.some((run) => run.lines !== BATCH_LINES)) throw new Error('the Python adapter did not answer every line');
  const pythonRate = median(pythonRuns.map((run) => BATCH_LINES / run.seconds));
  const standin = (JSON.parse(pythonRuns[0]?.hello ?? '{}') as { standin?: boolean }).standin === true;
  const cli = batchRates['cavra-runtime --batch (process, end to end)'] as number;
  results.python_batch_lines_per_s = Math.round(pythonRate);
  say(
    `  ${fmt(pythonRate).padStart(9)} lines/s  Python adapter batch loop (process)${standin ? ' [STAND-IN cavra package, not Python CAVRA: plumbing only]' : ''}; ` +
      `--batch is ${(cli / pythonRate).toFixed(1)}x it (target >= 10x), ` +
      `${((batchRates['cavra-runtime --batch (process, end to end, NODE_EXTRA_CA_CERTS unset)'] as number) / pythonRate).toFixed(1)}x with NODE_EXTRA_CA_CERTS unset`,
  );
} else {
  say('  Python batch loop: skipped (no --python-root; there is no Python CAVRA checkout on this machine)');
}
// A large batch, where `--workers auto` adds a worker (inputs past 8 MiB): 4x the lines above.
const largeFile = join(work, 'batch-large.jsonl');
writeFileSync(largeFile, `${Array.from({ length: 4 }, () => batchLines.join('\n')).join('\n')}\n`);
const runBatchProcess = (args: string[], expected: number): Promise<number> =>
  new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [BIN, '--batch', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let count = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) count++;
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 && count === expected ? resolve(expected / ((performance.now() - started) / 1000)) : reject(new Error(`--batch ${args.join(' ')}: exit ${String(code)}, ${count} of ${expected} lines`)),
    );
  });
const largeLines = 4 * BATCH_LINES;
const largeRates: Record<string, number[]> = { one: [], auto: [] };
for (let round = 0; round < 3; round++) {
  largeRates.one?.push(await runBatchProcess(['--workers', '1', '--input', largeFile], largeLines));
  largeRates.auto?.push(await runBatchProcess(['--input', largeFile], largeLines));
}
const largeOne = median(largeRates.one as number[]);
const largeAuto = median(largeRates.auto as number[]);
results.batch_large = { lines: largeLines, workers_1_lines_per_s: Math.round(largeOne), auto_lines_per_s: Math.round(largeAuto) };
say(
  `  ${fmt(largeLines)} lines (${(Buffer.byteLength(batchLines.join('\n')) * 4 / 2 ** 20).toFixed(0)} MiB), --batch process, median of 3: ` +
    `--workers 1 ${fmt(largeOne)} lines/s, auto (one worker past 8 MiB) ${fmt(largeAuto)} lines/s (${(largeAuto / largeOne).toFixed(2)}x)`,
);

/** The end of a run: the load average at the end, the scratch files removed, the results written. */
function writeResults(file: string): void {
  results.machine = { ...(results.machine as object), load_average_1m_at_end: Number((loadavg()[0] ?? 0).toFixed(1)) };
  say(`load average ${(loadavg()[0] ?? 0).toFixed(1)} at the end`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(`${ROOT}bench-results`, { recursive: true });
  writeFileSync(`${ROOT}bench-results/${file}`, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`written: bench-results/${file}`);
}
if (batchOnly) {
  writeResults('batch.json');
  process.exit(0);
}

// --- the server ---------------------------------------------------------------------------------
async function startServe(args: string[]): Promise<{ child: ChildProcess; http: string }> {
  const child = spawn(process.execPath, [BIN, 'serve', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const ready = await new Promise<{ http: string | null }>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0] as string) as { http: string | null });
    });
    child.once('exit', (code) => reject(new Error(`serve exited ${String(code)}`)));
  });
  return { child, http: ready.http ?? '' };
}
const rssMb = (pid: number): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] as number;

const socketPath = join(work, 'bench.sock');
const server = await startServe(['--socket', socketPath, '--listen', '127.0.0.1:0', '--no-watch', '--max-concurrency', '1024']);
const [host, portText] = server.http.split(':') as [string, string];
const port = Number(portText);
const pid = server.child.pid as number;
const oneRequest = `${JSON.stringify({ action_type: 'execute_command', target: 'terraform plan' })}\n`;

// Concurrency 1 over the socket: one connection, one request in flight.
async function socketLatency(count: number): Promise<number[]> {
  const socket: Socket = connect(socketPath);
  await new Promise<void>((done) => socket.once('connect', () => done()));
  const samples: number[] = [];
  let pending: (() => void) | undefined;
  let buffered = '';
  socket.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    if (buffered.endsWith('\n')) {
      buffered = '';
      pending?.();
    }
  });
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await new Promise<void>((done) => {
      pending = done;
      socket.write(oneRequest);
    });
    samples.push(performance.now() - started);
  }
  socket.destroy();
  return samples.sort((a, b) => a - b);
}

// Concurrency 1 over HTTP keep-alive: one connection, reused, by a minimal client (a prebuilt
// request, answers framed by Content-Length), so the number is the server's and the loopback's
// rather than Node's HTTP client's (which costs more per request than the server does).
async function httpLatency(count: number): Promise<number[]> {
  const socket: Socket = connect(port, host);
  socket.setNoDelay(true);
  await new Promise<void>((done) => socket.once('connect', () => done()));
  const requestBytes = Buffer.from(
    `POST /v1/decisions HTTP/1.1\r\nHost: ${host}:${port}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(oneRequest)}\r\n\r\n${oneRequest}`,
  );
  const samples: number[] = [];
  let pending: (() => void) | undefined;
  let buffered: Buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
    const headEnd = buffered.indexOf('\r\n\r\n');
    if (headEnd === -1) return;
    const length = Number(/content-length: *(\d+)/i.exec(buffered.toString('latin1', 0, headEnd))?.[1] ?? NaN);
    if (!buffered.toString('latin1', 0, 12).endsWith(' 200') || Number.isNaN(length)) throw new Error('unexpected HTTP answer');
    if (buffered.length < headEnd + 4 + length) return;
    buffered = buffered.subarray(headEnd + 4 + length);
    pending?.();
  });
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await new Promise<void>((done) => {
      pending = done;
      socket.write(requestBytes);
    });
    samples.push(performance.now() - started);
  }
  socket.destroy();
  return samples.sort((a, b) => a - b);
}

/** One decision's HTTP body (to size the bare server's constant answer alike). */
function httpBody(body: string): Promise<string> {
  return new Promise((done, fail) => {
    const req = httpRequest({ host, port, method: 'POST', path: '/v1/decisions', agent: false }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      res.on('end', () => done(text));
    });
    req.on('error', fail);
    req.end(body);
  });
}

const latencyCount = quick ? 2_000 : 20_000;
await socketLatency(3_000);
const socketSamples = await socketLatency(latencyCount);
await httpLatency(3_000);
const httpSamples = await httpLatency(latencyCount);
const latency = {
  socket: { p50_ms: percentile(socketSamples, 0.5), p99_ms: percentile(socketSamples, 0.99) },
  http_keep_alive: { p50_ms: percentile(httpSamples, 0.5), p99_ms: percentile(httpSamples, 0.99) },
};
results.latency = latency;
say(`latency at concurrency 1 (${fmt(latencyCount)} requests each; target p99 < 1 ms)`);
say(`  ${latency.socket.p99_ms < 1 ? 'PASS' : 'MISS'}  socket           p50 ${latency.socket.p50_ms.toFixed(3)} ms  p99 ${latency.socket.p99_ms.toFixed(3)} ms`);
say(`  ${latency.http_keep_alive.p99_ms < 1 ? 'PASS' : 'MISS'}  HTTP keep-alive  p50 ${latency.http_keep_alive.p50_ms.toFixed(3)} ms  p99 ${latency.http_keep_alive.p99_ms.toFixed(3)} ms`);

// Throughput at concurrency 32, HTTP, autocannon (in this process: it shares the 2 cores with the server).
/** 32 connections posting the request for `seconds` (a short unmeasured run first: measured warm, JIT-compiled). */
async function load32(url: string, seconds: number): Promise<autocannon.Result> {
  const options = { url, method: 'POST' as const, body: oneRequest, headers: { 'content-type': 'application/json' }, connections: 32 };
  await autocannon({ ...options, duration: 2 });
  return autocannon({ ...options, duration: seconds });
}
const loadSeconds = quick ? 3 : 10;
const cannon = await load32(`http://${server.http}/v1/decisions`, loadSeconds);
// The same load on a bare Node HTTP server that reads the body, parses it as JSON and answers a
// constant as long as a decision: what Node's own HTTP server costs on this machine now, no decision.
const decisionBytes = Buffer.byteLength(await httpBody(oneRequest));
const bareServer =
  `const body=JSON.stringify({x:'a'.repeat(${decisionBytes - 9})})+'\\n';` +
  "const s=require('node:http').createServer((q,r)=>{const c=[];q.on('data',d=>c.push(d));q.on('end',()=>{JSON.parse(Buffer.concat(c).toString());" +
  "r.writeHead(200,{'Content-Type':'application/json','Content-Length':Buffer.byteLength(body)});r.end(body)})});s.listen(0,'127.0.0.1',()=>console.log(s.address().port))";
const bare = spawn(process.execPath, ['-e', bareServer], { stdio: ['ignore', 'pipe', 'inherit'] });
const barePort = await new Promise<number>((done) => bare.stdout.once('data', (chunk: Buffer) => done(Number(chunk.toString('utf8').trim()))));
const bareCannon = await load32(`http://127.0.0.1:${barePort}/`, loadSeconds);
bare.kill('SIGTERM');
const throughput = {
  requests_per_s: Math.round(cannon.requests.average),
  non_2xx: cannon.non2xx,
  errors: cannon.errors,
  p99_ms: cannon.latency.p99,
  bare_node_http_requests_per_s: Math.round(bareCannon.requests.average),
};
results.http_throughput_c32 = throughput;
say(`throughput, HTTP, concurrency 32, autocannon (target >= 30,000 decisions/s)`);
say(`  ${throughput.requests_per_s >= 30_000 ? 'PASS' : 'MISS'}  ${fmt(throughput.requests_per_s)} decisions/s, p99 ${throughput.p99_ms} ms, non-2xx ${throughput.non_2xx}, errors ${throughput.errors}`);
say(`        bare Node HTTP server (parses the body, answers a constant of the decision's size), same load: ${fmt(throughput.bare_node_http_requests_per_s)} requests/s (ratio ${(throughput.requests_per_s / throughput.bare_node_http_requests_per_s).toFixed(2)})`);

// Socket throughput at concurrency 32 (32 connections, 100 lines per write).
async function socketThroughput(connections: number, perConnection: number): Promise<number> {
  const chunk = oneRequest.repeat(100);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: connections }, () =>
      new Promise<void>((done, fail) => {
        const socket = connect({ path: socketPath, allowHalfOpen: true });
        let answered = 0;
        let sent = 0;
        socket.on('data', (data: Buffer) => {
          for (let i = data.indexOf(10); i !== -1; i = data.indexOf(10, i + 1)) answered++;
          if (answered === sent && sent < perConnection) {
            sent += 100;
            socket.write(chunk);
          } else if (answered >= perConnection) socket.end();
        });
        socket.on('error', fail);
        socket.on('close', () => done());
        socket.once('connect', () => {
          sent += 100;
          socket.write(chunk);
        });
      }),
    ),
  );
  return (connections * perConnection) / ((performance.now() - started) / 1000);
}
const socketRate = await socketThroughput(32, quick ? 2_000 : 10_000);
results.socket_throughput_c32 = Math.round(socketRate);
say(`  socket, 32 connections, 100 requests per write: ${fmt(socketRate)} decisions/s`);

// RSS after 1,000,000 decisions through the socket (streamed, 4 connections).
async function pushDecisions(total: number): Promise<void> {
  const per = Math.ceil(total / 4 / 1000) * 1000;
  const block = oneRequest.repeat(1000);
  await Promise.all(
    Array.from({ length: 4 }, () =>
      new Promise<void>((done, fail) => {
        const socket = connect({ path: socketPath, allowHalfOpen: true });
        let answered = 0;
        let sent = 0;
        let draining = false;
        const send = (): void => {
          if (draining) return;
          while (sent < per && sent - answered < 20_000) {
            sent += 1000;
            if (!socket.write(block)) {
              draining = true;
              socket.once('drain', () => {
                draining = false;
                send();
              });
              return;
            }
          }
          if (sent >= per && !socket.writableEnded) socket.end();
        };
        socket.on('data', (data: Buffer) => {
          for (let i = data.indexOf(10); i !== -1; i = data.indexOf(10, i + 1)) answered++;
          send();
        });
        socket.on('error', fail);
        socket.on('close', () => (answered >= per ? done() : fail(new Error(`answered ${answered} of ${per}`))));
        socket.once('connect', send);
      }),
    ),
  );
}
const totalDecisions = quick ? 200_000 : 1_000_000;
const rssSamples: [number, number][] = [[0, rssMb(pid)]];
const steps = 5;
for (let step = 1; step <= steps; step++) {
  await pushDecisions(totalDecisions / steps);
  rssSamples.push([(totalDecisions / steps) * step, rssMb(pid)]);
}
const afterFirst = rssSamples[1]?.[1] as number;
const last = rssSamples.at(-1)?.[1] as number;
results.rss_mb = Object.fromEntries(rssSamples.map(([n, mb]) => [n, Number(mb.toFixed(1))]));
say(`RSS of the server over ${fmt(totalDecisions)} decisions (MB): ${rssSamples.map(([n, mb]) => `${fmt(n)}: ${mb.toFixed(1)}`).join(', ')}`);
say(`  ${last - afterFirst < 20 ? 'PASS' : 'MISS'}  growth after the first ${fmt(totalDecisions / steps)}: ${(last - afterFirst).toFixed(1)} MB`);

// 10,000 idle connections (the fd limit must allow them: ulimit -n >= 10,100).
const idleTarget = quick ? 2_000 : 10_000;
const idle: Socket[] = [];
let idleError = '';
/** Connects, retrying while the listen backlog is full (EAGAIN on a Unix socket). */
const connectIdle = async (): Promise<Socket> => {
  for (let attempt = 0; ; attempt++) {
    try {
      return await new Promise<Socket>((done, fail) => {
        const socket = connect(socketPath);
        socket.once('connect', () => done(socket));
        socket.once('error', fail);
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN' || attempt >= 50) throw error;
      await new Promise((done) => setTimeout(done, 20));
    }
  }
};
for (let opened = 0; opened < idleTarget; opened += 200) {
  const batch = await Promise.allSettled(Array.from({ length: Math.min(200, idleTarget - opened) }, connectIdle));
  for (const result of batch) {
    if (result.status === 'fulfilled') idle.push(result.value);
    else idleError ||= String(result.reason);
  }
}
const idleAnswer = await socketLatency(1_000);
results.idle_connections = { open: idle.length, rss_mb: Number(rssMb(pid).toFixed(1)), p99_ms_while_idle: percentile(idleAnswer, 0.99) };
say(`idle: ${fmt(idle.length)} of ${fmt(idleTarget)} connections held open${idleError ? ` (first error: ${idleError})` : ''}; server RSS ${rssMb(pid).toFixed(1)} MB; p99 of a request meanwhile ${percentile(idleAnswer, 0.99).toFixed(3)} ms`);
for (const socket of idle) socket.destroy();

// The same HTTP load on a server that records every decision in a hash-chained evidence log
// (default durability: fdatasync at most every 100 ms), then the log is verified.
const logFile = join(work, 'bench-evidence.log');
const logged = await startServe(['--listen', '127.0.0.1:0', '--no-watch', '--max-concurrency', '1024', '--evidence-log', logFile]);
const loggedCannon = await load32(`http://${logged.http}/v1/decisions`, loadSeconds);
logged.child.kill('SIGTERM');
await new Promise((done) => logged.child.once('exit', done));
const verified = await new Promise<number>((done) => {
  const check = spawn(process.execPath, [BIN, 'evidence', 'verify-log', logFile], { stdio: ['ignore', 'ignore', 'inherit'] });
  check.once('exit', (code) => done(code ?? -1));
});
results.evidence_log_http_c32 = {
  requests_per_s: Math.round(loggedCannon.requests.average),
  non_2xx: loggedCannon.non2xx,
  verify_log_exit: verified,
  vs_log_off: Number((loggedCannon.requests.average / cannon.requests.average).toFixed(2)),
};
say(
  `evidence log on (HTTP, concurrency 32, fsync interval): ${fmt(loggedCannon.requests.average)} decisions/s ` +
    `(${(loggedCannon.requests.average / cannon.requests.average).toFixed(2)}x the log off), non-2xx ${loggedCannon.non2xx}; ` +
    `verify-log of the ${fmt(loggedCannon.requests.total)}+ records: exit ${verified}`,
);
if (verified !== 0) throw new Error('the evidence log written under load does not verify');

// A request through the in-process BatchStream, to show the server's own per-line cost.
const stream = new BatchStream(engineAnswerer(engine));
const block = Buffer.from(oneRequest.repeat(10_000));
const started = performance.now();
for (let i = 0; i < (quick ? 10 : 50); i++) stream.push(block);
results.batch_stream_in_process_lines_per_s = Math.round(((quick ? 10 : 50) * 10_000) / ((performance.now() - started) / 1000));
say(`BatchStream alone (in-process, no I/O): ${fmt(results.batch_stream_in_process_lines_per_s as number)} lines/s`);

server.child.kill('SIGTERM');
await new Promise((done) => server.child.once('exit', done));
writeResults('server.json');
