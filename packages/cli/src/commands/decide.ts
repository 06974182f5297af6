import { createReadStream, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { CavraError, loadPolicyJsonFile, resolvePackSource, type PyValue } from '@cavra/policy-model';
import { readTrustRegistryDocument } from '@cavra/registry';
import { booleanFlag, parseArgs, stringFlag } from '../args.js';
import {
  MAX_REQUEST_BYTES,
  createDecisionEngine,
  decodeRequestUtf8,
  engineAnswerer,
  parseRequestJson,
  runBatch,
  type DecisionEngine,
} from '@cavra/engine';
import { EXIT_FAILURE, EXIT_OK } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { decideViaDaemon, defaultSocketPath } from '../daemon-client.js';

export { MAX_REQUEST_BYTES };

export const DECIDE_FLAGS = {
  input: 'string',
  batch: 'boolean',
  policy: 'string',
  'policy-dir': 'string',
  registry: 'string',
  // the daemon client (`--daemon [--socket PATH] [--require-daemon]`)
  daemon: 'boolean',
  'require-daemon': 'boolean',
  socket: 'string',
} as const;

export function engineFrom(flags: ReturnType<typeof parseArgs>, io: CliIo): DecisionEngine {
  const policyFile = stringFlag(flags, 'policy');
  const registryFile = stringFlag(flags, 'registry');
  const packs = resolvePackSource({ policyDir: stringFlag(flags, 'policy-dir'), env: io.env, cwd: io.cwd });
  return createDecisionEngine({
    packs,
    ...(policyFile !== undefined ? { compiledPolicy: loadPolicyJsonFile(resolve(io.cwd, policyFile)) } : {}),
    // A registry file always means registry mode, even when it holds `{}` (as a path does in Python).
    ...(registryFile !== undefined
      ? { registry: withRegistryMode(readTrustRegistryDocument(resolve(io.cwd, registryFile))) }
      : {}),
  });
}

/** An empty document from a file still selects registry mode: give it an explicit empty server list. */
function withRegistryMode(document: PyValue): PyValue {
  if (document instanceof Map && document.size === 0) return new Map([['mcp_servers', []]]);
  return document;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buffer.length;
    if (size > MAX_REQUEST_BYTES) {
      throw new CavraError('request_too_large', `request is larger than ${MAX_REQUEST_BYTES} bytes`);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

function openInput(flags: ReturnType<typeof parseArgs>, io: CliIo): NodeJS.ReadableStream {
  const input = stringFlag(flags, 'input');
  if (input === undefined || input === '-') return io.stdin;
  const path = resolve(io.cwd, input);
  try {
    if (!statSync(path).isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
  } catch (error) {
    throw new CavraError(
      'input_unreadable',
      `cannot read input ${input}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  return createReadStream(path);
}

async function decideSingle(
  engine: DecisionEngine,
  input: NodeJS.ReadableStream,
  io: CliIo,
): Promise<number> {
  const bytes = await readAll(input);
  const decision = engine.decide(parseRequestJson(decodeRequestUtf8(bytes, 0, bytes.length)));
  io.stdout.write(`${JSON.stringify(decision, null, 2)}\n`);
  return EXIT_OK;
}

/**
 * JSON Lines in, one compact JSON line out per input line, in order, through the batch path shared
 * with the server (`@cavra/engine` `runBatch`). A bad line gets `{"error": {...}}` in its place;
 * exit 0, or 1 when a line met an internal fault. Output is written with backpressure.
 */
export async function decideBatch(engine: DecisionEngine, input: NodeJS.ReadableStream, io: CliIo): Promise<number> {
  const stdout = io.stdout as NodeJS.WritableStream & { write(chunk: Uint8Array): boolean };
  const write = (bytes: Buffer): Promise<void> | undefined =>
    stdout.write(bytes) || typeof stdout.once !== 'function'
      ? undefined
      : new Promise<void>((done) => stdout.once('drain', done));
  const { internalFaults } = await runBatch(
    input as AsyncIterable<Buffer | string>,
    engineAnswerer(engine),
    write,
  );
  return internalFaults > 0 ? EXIT_FAILURE : EXIT_OK;
}

/** `cavra-runtime [--batch] [--input FILE] [--policy FILE | --policy-dir DIR] [--registry FILE]`. */
export async function decideCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const flags = parseArgs(argv, DECIDE_FLAGS);
  if (flags.positionals.length > 0) {
    throw new CavraError('usage', `unexpected argument: ${flags.positionals[0] as string}`);
  }
  const decideIn = (engine: DecisionEngine, input: NodeJS.ReadableStream): Promise<number> =>
    booleanFlag(flags, 'batch') ? decideBatch(engine, input, io) : decideSingle(engine, input, io);
  if (booleanFlag(flags, 'daemon') || booleanFlag(flags, 'require-daemon')) {
    const input = openInput(flags, io);
    const socket = stringFlag(flags, 'socket');
    return decideViaDaemon({
      socketPath: socket !== undefined ? resolve(io.cwd, socket) : defaultSocketPath(io),
      requireDaemon: booleanFlag(flags, 'require-daemon'),
      batch: booleanFlag(flags, 'batch'),
      input,
      io,
      // No server answers: decide here, with this command line's policy options.
      fallback: () => decideIn(engineFrom(flags, io), input),
    });
  }
  if (stringFlag(flags, 'socket') !== undefined) throw new CavraError('usage', '--socket needs --daemon');
  const engine = engineFrom(flags, io);
  return decideIn(engine, openInput(flags, io));
}
