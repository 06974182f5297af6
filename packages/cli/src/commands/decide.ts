import { createReadStream, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { CavraError, parsePolicyJsonText } from '@cavra/policy-model';
import { readPolicyFileText, resolvePackSource } from '@cavra/policy-model/node';
import type { EvidenceSink } from '@cavra/evidence';
import { readTrustRegistryText } from '@cavra/registry/node';
import { booleanFlag, parseArgs, stringFlag } from '../args.js';
import {
  MAX_REQUEST_BYTES,
  answerLine,
  createDecisionEngine,
  decodeRequestUtf8,
  engineAnswerer,
  isReleaseGovernanceDecision,
  parseRequestJson,
  recordInEvidence,
  releaseGovernanceDecisionJson,
  requestTooLarge,
  runBatch,
  textAnswerer,
  type DecisionEngine,
  type RequestAnswerer,
} from '@cavra/engine';
import { BatchWorkerPool, engineOptionsOf, packDirectoryOf, runPooledBatch, type DecisionEngineSpec } from '@cavra/engine/node';
import { batchPooling, checkWorkersCombination, parseWorkersFlag, type BatchPooling } from '../batch-workers.js';
import { EXIT_FAILURE, EXIT_OK } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { decideViaDaemon, defaultSocketPath } from '../daemon-client.js';
import { EVIDENCE_LOG_FLAGS, openEvidenceLogFromFlags } from '../evidence-log-option.js';

/** A request (one JSON document, or one batch line) may be at most 1 MiB, a trailing newline not counted. */
export { MAX_REQUEST_BYTES };

export const DECIDE_FLAGS = {
  input: 'string',
  batch: 'boolean',
  policy: 'string',
  'policy-dir': 'string',
  registry: 'string',
  'policy-pack': 'string',
  'allow-pack-paths': 'boolean',
  ...EVIDENCE_LOG_FLAGS,
  // the daemon client (`--daemon [--socket PATH] [--require-daemon]`)
  daemon: 'boolean',
  'require-daemon': 'boolean',
  socket: 'string',
  // `--batch --workers N|auto`: decisions made by worker threads (see batch-workers.ts)
  workers: 'string',
} as const;

export function engineFrom(flags: ReturnType<typeof parseArgs>, io: CliIo): DecisionEngine {
  return createDecisionEngine(engineOptionsOf(engineSpecFrom(flags, io)));
}

/**
 * The engine the policy options describe, as plain data (batch workers build the same engine
 * from it). Policy and registry files are read here, once; their texts are parsed by the engine.
 */
export function engineSpecFrom(flags: ReturnType<typeof parseArgs>, io: CliIo): DecisionEngineSpec {
  const policyFile = stringFlag(flags, 'policy');
  const registryFile = stringFlag(flags, 'registry');
  const pinnedPolicyPack = stringFlag(flags, 'policy-pack');
  const packDirectory = packDirectoryOf(resolvePackSource({ policyDir: stringFlag(flags, 'policy-dir'), env: io.env, cwd: io.cwd }));
  const policyPath = policyFile !== undefined ? resolve(io.cwd, policyFile) : undefined;
  const compiledPolicy = policyPath !== undefined ? { text: readPolicyFileText(policyPath), where: `policy file ${policyPath}` } : undefined;
  // Checked before the registry is read, so a bad policy is reported first, as it always was.
  if (compiledPolicy !== undefined) parsePolicyJsonText(compiledPolicy.text, compiledPolicy.where);
  const registryPath = registryFile !== undefined ? resolve(io.cwd, registryFile) : undefined;
  return {
    ...(packDirectory !== undefined ? { packDirectory } : {}),
    allowPackPaths: booleanFlag(flags, 'allow-pack-paths'),
    ...(pinnedPolicyPack !== undefined ? { pinnedPolicyPack } : {}),
    ...(compiledPolicy !== undefined ? { compiledPolicy } : {}),
    // A registry file always means registry mode (as a path does in Python): the engine refuses a
    // document that is not an object, and takes `{}` as a registry with no servers.
    ...(registryPath !== undefined ? { registry: { text: readTrustRegistryText(registryPath), path: registryPath } } : {}),
  };
}

/**
 * One request's bytes, without a trailing `\n` / `\r\n`. Stops reading (and closes the stream)
 * as soon as the input is known to be over the limit, so `/dev/zero` or an endless FIFO costs at
 * most the limit in memory and never hangs.
 */
export async function readSingleRequest(
  stream: NodeJS.ReadableStream,
  maxBytes: number = MAX_REQUEST_BYTES,
): Promise<Buffer> {
  // The limit plus a trailing `\r\n`, which is not counted.
  const cap = maxBytes + 2;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buffer.length;
    // Leaving the loop early destroys the stream: nothing more is read.
    if (size > cap) throw requestTooLarge('request', maxBytes);
    chunks.push(buffer);
  }
  let bytes = Buffer.concat(chunks, size);
  if (bytes.at(-1) === 0x0a) bytes = bytes.subarray(0, bytes.at(-2) === 0x0d ? -2 : -1);
  if (bytes.length > maxBytes) throw requestTooLarge('request', maxBytes);
  return bytes;
}

/**
 * The input stream: stdin, or `--input FILE`. FIFOs and devices are accepted (`<(cmd)`,
 * `/dev/stdin`); a single request reads at most the cap from them. A directory is refused.
 */
function openInput(flags: ReturnType<typeof parseArgs>, io: CliIo, batch: boolean): NodeJS.ReadableStream {
  const input = stringFlag(flags, 'input');
  if (input === undefined || input === '-') return io.stdin;
  const path = resolve(io.cwd, input);
  let reason: string | undefined;
  try {
    if (statSync(path).isDirectory()) reason = 'is a directory';
  } catch (error) {
    reason = (error as NodeJS.ErrnoException).code ?? String(error);
  }
  if (reason !== undefined) throw new CavraError('input_unreadable', `cannot read input ${input}: ${reason}`);
  // `end` is inclusive: one byte past the cap is enough to know a request is too large. (No
  // `start`: a FIFO cannot be read at a position.)
  return createReadStream(path, batch ? {} : { end: MAX_REQUEST_BYTES + 2 });
}



async function decideSingle(
  engine: DecisionEngine,
  input: NodeJS.ReadableStream,
  io: CliIo,
  log?: EvidenceSink,
): Promise<number> {
  const bytes = await readSingleRequest(input);
  const request = parseRequestJson(decodeRequestUtf8(bytes, 0, bytes.length));
  let decision = engine.decide(request);
  // Recorded and flushed before it is printed: a decision the log cannot hold is not answered.
  if (log) decision = recordInEvidence(log, request, decision);
  await log?.close();
  const json = isReleaseGovernanceDecision(decision)
    ? releaseGovernanceDecisionJson(decision, 2)
    : JSON.stringify(decision, null, 2);
  io.stdout.write(`${json}\n`);
  return EXIT_OK;
}

/**
 * JSON Lines in, one compact JSON line out per input line, in order, through the batch path shared
 * with the server (`@cavra/engine` `runBatch`), or with `pooling` through worker threads
 * (`runPooledBatch`, same answers). A bad line gets `{"error": {...}}` in its place;
 * exit 0, or 1 when a line met an internal fault or the evidence log could not be written. Output
 * is written with backpressure.
 */
export async function decideBatch(
  engine: DecisionEngine,
  input: NodeJS.ReadableStream,
  io: CliIo,
  log?: EvidenceSink,
  pooling?: BatchPooling,
): Promise<number> {
  const stdout = io.stdout as NodeJS.WritableStream & { write(chunk: Uint8Array): boolean };
  const write = (bytes: Buffer): Promise<void> | undefined =>
    stdout.write(bytes) || typeof stdout.once !== 'function'
      ? undefined
      : new Promise<void>((done) => stdout.once('drain', done));
  let unrecorded = 0;
  const answer: RequestAnswerer = log
    ? textAnswerer((request) => {
        const decision = engine.decide(request);
        try {
          return answerLine(recordInEvidence(log, request, decision));
        } catch (error) {
          // Not recorded, so not answered: the line gets the error, and the run ends with status 1.
          if (error instanceof CavraError && error.code === 'evidence_unwritable') unrecorded++;
          throw error;
        }
      })
    : engineAnswerer(engine);
  const lines = input as AsyncIterable<Buffer | string>;
  let internalFaults: number;
  if (pooling) {
    let pool: BatchWorkerPool | undefined;
    try {
      ({ internalFaults } = await runPooledBatch(lines, write, {
        answer,
        startAfter: pooling.startAfter,
        // The workers see this command's environment, as the main thread does.
        pool: () => (pool = new BatchWorkerPool({ workers: pooling.workers, spec: pooling.spec, script: pooling.script, env: io.env })),
      }));
    } finally {
      await pool?.close();
    }
  } else ({ internalFaults } = await runBatch(lines, answer, write));
  await log?.close();
  return internalFaults > 0 || unrecorded > 0 ? EXIT_FAILURE : EXIT_OK;
}

/**
 * `cavra-runtime [--batch] [--input FILE] [--policy FILE | --policy-dir DIR] [--registry FILE]
 * [--policy-pack ID] [--allow-pack-paths]`.
 */
export async function decideCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const flags = parseArgs(argv, DECIDE_FLAGS);
  if (flags.positionals.length > 0) {
    throw new CavraError('usage', `unexpected argument: ${flags.positionals[0] as string}`);
  }
  const batch = booleanFlag(flags, 'batch');
  const workersFlag = parseWorkersFlag(stringFlag(flags, 'workers'));
  if (!batch && stringFlag(flags, 'workers') !== undefined) throw new CavraError('usage', '--workers needs --batch');
  const daemon = booleanFlag(flags, 'daemon') || booleanFlag(flags, 'require-daemon');
  checkWorkersCombination(workersFlag, { evidenceLog: stringFlag(flags, 'evidence-log') !== undefined, daemon });
  if (daemon) {
    const input = openInput(flags, io, batch);
    const socket = stringFlag(flags, 'socket');
    if (stringFlag(flags, 'evidence-log') !== undefined) {
      throw new CavraError('usage', '--evidence-log is the server\'s option with --daemon (serve --evidence-log FILE)');
    }
    return decideViaDaemon({
      socketPath: socket !== undefined ? resolve(io.cwd, socket) : defaultSocketPath(io),
      requireDaemon: booleanFlag(flags, 'require-daemon'),
      batch,
      input,
      io,
      // No server answers: decide here, with this command line's policy options.
      fallback: () => (batch ? decideBatch(engineFrom(flags, io), input, io) : decideSingle(engineFrom(flags, io), input, io)),
    });
  }
  if (stringFlag(flags, 'socket') !== undefined) throw new CavraError('usage', '--socket needs --daemon');
  const spec = engineSpecFrom(flags, io);
  const engine = createDecisionEngine(engineOptionsOf(spec));
  const input = openInput(flags, io, batch);
  const inputFlag = stringFlag(flags, 'input');
  const pooling = batch
    ? batchPooling({
        flag: workersFlag,
        spec,
        inputPath: inputFlag !== undefined && inputFlag !== '-' ? resolve(io.cwd, inputFlag) : undefined,
        evidenceLog: stringFlag(flags, 'evidence-log') !== undefined,
        daemon: false,
      })
    : undefined;
  const log = openEvidenceLogFromFlags(flags, io);
  try {
    return await (batch ? decideBatch(engine, input, io, log, pooling) : decideSingle(engine, input, io, log));
  } finally {
    // Only reached open on a failure (both modes close the log themselves); that failure is what gets reported.
    await log?.close().catch(() => undefined);
  }
}
