import { createReadStream, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { CavraError, loadPolicyJsonFile, resolvePackSource, type PyValue } from '@cavra/policy-model';
import { decisionJson } from '@cavra/evidence';
import { readTrustRegistryDocument } from '@cavra/registry';
import { booleanFlag, parseArgs, stringFlag } from '../args.js';
import { createDecisionEngine, type DecisionEngine } from '@cavra/engine';
import { EXIT_FAILURE, EXIT_OK, errorPayload } from '../exit-codes.js';
import type { CliIo } from '../io.js';

/** A request (one JSON document, or one batch line) may be at most 1 MiB. */
export const MAX_REQUEST_BYTES = 1024 * 1024;

export const DECIDE_FLAGS = {
  input: 'string',
  batch: 'boolean',
  policy: 'string',
  'policy-dir': 'string',
  registry: 'string',
} as const;

const utf8 = new TextDecoder('utf-8', { fatal: true });

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

function parseRequestText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new CavraError('invalid_json', `request is not valid JSON: ${(error as Error).message}`);
  }
}

export function decodeUtf8(bytes: Buffer, start: number, end: number): string {
  const text = bytes.toString('utf8', start, end);
  // toString() replaces bad sequences with U+FFFD silently; only then pay for a strict decode.
  if (text.includes('\uFFFD')) {
    try {
      utf8.decode(bytes.subarray(start, end));
    } catch {
      throw new CavraError('invalid_json', 'request is not valid UTF-8');
    }
  }
  return text;
}

export async function readAll(stream: NodeJS.ReadableStream, maxBytes = MAX_REQUEST_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buffer.length;
    if (size > maxBytes) {
      throw new CavraError('request_too_large', `request is larger than ${maxBytes} bytes`);
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
  const decision = engine.decide(parseRequestText(decodeUtf8(bytes, 0, bytes.length)));
  io.stdout.write(`${JSON.stringify(decision, null, 2)}\n`);
  return EXIT_OK;
}

const FLUSH_BYTES = 64 * 1024;
const OUTPUT_BUFFER_BYTES = 256 * 1024;

/**
 * JSON Lines in, one compact JSON line out per input line, in order. A bad line gets
 * `{"error": {...}}` in its place; exit 0, or 1 when a line met an internal fault. Streams: input is consumed chunk by chunk, output is flushed
 * with backpressure, and an over-long line is skipped (not buffered) up to its newline.
 */
export async function decideBatch(engine: DecisionEngine, input: NodeJS.ReadableStream, io: CliIo): Promise<number> {
  // Lines are UTF-8-encoded straight into byte buffers. A full buffer is queued and a fresh one
  // started (stdout may hold a written buffer until it is flushed, so none is reused).
  const stdout = io.stdout as NodeJS.WritableStream & { write(chunk: Uint8Array): boolean };
  let queued: Buffer[] = [];
  let out = Buffer.allocUnsafe(OUTPUT_BUFFER_BYTES);
  let used = 0;
  let queuedBytes = 0;
  const emit = (line: string): void => {
    // UTF-8 needs at most 3 bytes per UTF-16 code unit.
    const room = line.length * 3 + 1;
    if (used + room > out.length) {
      if (used > 0) queued.push(out.subarray(0, used));
      queuedBytes += used;
      out = Buffer.allocUnsafe(Math.max(OUTPUT_BUFFER_BYTES, room));
      used = 0;
    }
    used += out.write(line, used);
    out[used++] = 0x0a;
  };
  const flush = async (): Promise<void> => {
    if (used > 0) queued.push(out.subarray(0, used));
    out = Buffer.allocUnsafe(OUTPUT_BUFFER_BYTES);
    used = 0;
    const chunks = queued;
    queued = [];
    queuedBytes = 0;
    for (const chunk of chunks) {
      if (!stdout.write(chunk) && typeof stdout.once === 'function') {
        await new Promise<void>((done) => stdout.once('drain', done));
      }
    }
  };
  const tooLarge = (): CavraError =>
    new CavraError('request_too_large', `request line is larger than ${MAX_REQUEST_BYTES} bytes`);
  let internalFaults = 0;
  const answer = (bytes: Buffer, start: number, end: number): void => {
    try {
      if (end - start > MAX_REQUEST_BYTES) throw tooLarge();
      const text = decodeUtf8(bytes, start, end);
      if (text.trim() === '') {
        throw new CavraError('invalid_request', 'empty request line', {
          python: 'ValueError: empty request line',
        });
      }
      emit(decisionJson(engine.decide(parseRequestText(text))));
    } catch (error) {
      // Even a fault of ours answers its own line (code "internal") and the run goes on.
      if (!(error instanceof CavraError)) internalFaults++;
      emit(JSON.stringify(errorPayload(error)));
    }
  };

  let carry: Buffer | undefined; // the unfinished line from earlier chunks
  let oversize = false; // the unfinished line is already over the limit: drop its bytes
  const answerOversize = (): void => emit(JSON.stringify(errorPayload(tooLarge())));
  for await (const chunk of input) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    let start = 0;
    for (let newline = buffer.indexOf(10, start); newline !== -1; newline = buffer.indexOf(10, start)) {
      if (oversize) answerOversize();
      else if (carry) {
        const line = Buffer.concat([carry, buffer.subarray(start, newline)]);
        answer(line, 0, line.length);
      } else answer(buffer, start, newline);
      carry = undefined;
      oversize = false;
      start = newline + 1;
    }
    if (start < buffer.length && !oversize) {
      const rest = buffer.subarray(start);
      carry = carry ? Buffer.concat([carry, rest]) : Buffer.from(rest);
      if (carry.length > MAX_REQUEST_BYTES) {
        oversize = true;
        carry = undefined;
      }
    }
    if (used + queuedBytes >= FLUSH_BYTES) await flush();
  }
  if (oversize) answerOversize();
  else if (carry && carry.length > 0) answer(carry, 0, carry.length);
  await flush();
  return internalFaults > 0 ? EXIT_FAILURE : EXIT_OK;
}

/** `cavra-runtime [--batch] [--input FILE] [--policy FILE | --policy-dir DIR] [--registry FILE]`. */
export async function decideCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const flags = parseArgs(argv, DECIDE_FLAGS);
  if (flags.positionals.length > 0) {
    throw new CavraError('usage', `unexpected argument: ${flags.positionals[0] as string}`);
  }
  const engine = engineFrom(flags, io);
  const input = openInput(flags, io);
  return booleanFlag(flags, 'batch') ? decideBatch(engine, input, io) : decideSingle(engine, input, io);
}
