import { createReadStream, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { CavraError, parsePyJson, toPlainJson, type PyValue } from '@cavra/policy-model';
import { loadPolicyJsonFile, resolvePackSource } from '@cavra/policy-model/node';
import { decisionJson, recordDecision, type EvidenceSink } from '@cavra/evidence';
import type { Decision } from '@cavra/policy-model';
import { readTrustRegistryDocument } from '@cavra/registry/node';
import { booleanFlag, parseArgs, stringFlag } from '../args.js';
import {
  createDecisionEngine,
  isReleaseGovernanceDecision,
  isReleaseGovernanceInput,
  releaseGovernanceDecisionJson,
  type DecisionEngine,
  type ReleaseGovernanceDecision,
} from '@cavra/engine';
import { EXIT_FAILURE, EXIT_OK, errorPayload } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { EVIDENCE_LOG_FLAGS, openEvidenceLogFromFlags } from '../evidence-log-option.js';

/** A request (one JSON document, or one batch line) may be at most 1 MiB, a trailing newline not counted. */
export const MAX_REQUEST_BYTES = 1024 * 1024;

export const DECIDE_FLAGS = {
  input: 'string',
  batch: 'boolean',
  policy: 'string',
  'policy-dir': 'string',
  registry: 'string',
  'policy-pack': 'string',
  'allow-pack-paths': 'boolean',
  ...EVIDENCE_LOG_FLAGS,
} as const;

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function engineFrom(flags: ReturnType<typeof parseArgs>, io: CliIo): DecisionEngine {
  const policyFile = stringFlag(flags, 'policy');
  const registryFile = stringFlag(flags, 'registry');
  const pinnedPolicyPack = stringFlag(flags, 'policy-pack');
  const packs = resolvePackSource({ policyDir: stringFlag(flags, 'policy-dir'), env: io.env, cwd: io.cwd });
  return createDecisionEngine({
    packs,
    allowPackPaths: booleanFlag(flags, 'allow-pack-paths'),
    ...(pinnedPolicyPack !== undefined ? { pinnedPolicyPack } : {}),
    ...(policyFile !== undefined ? { compiledPolicy: loadPolicyJsonFile(resolve(io.cwd, policyFile)) } : {}),
    // A registry file always means registry mode (as a path does in Python): the engine refuses a
    // document that is not an object, and takes `{}` as a registry with no servers.
    ...(registryFile !== undefined ? { registry: readTrustRegistryDocument(resolve(io.cwd, registryFile)) } : {}),
  });
}

function parseRequestText(text: string): unknown {
  let request: unknown;
  try {
    request = JSON.parse(text) as unknown;
  } catch (error) {
    // Python's reader also accepts NaN and Infinity, which a release-governance record may carry.
    const exact = text.includes('release_governance_record') ? tryParsePyJson(text) : undefined;
    if (exact !== undefined && isReleaseGovernanceInput(exact)) return exact;
    throw new CavraError('invalid_json', `request is not valid JSON: ${(error as Error).message}`);
  }
  // Release-governance records hold numbers whose Python type matters (1 vs 1.0, big ints, 1e400):
  // only those requests are read again, with the Python-exact parser; the five action types pay
  // one property check.
  return isReleaseGovernanceInput(request) ? parsePyJson(text) : request;
}

function tryParsePyJson(text: string): PyValue | undefined {
  try {
    return parsePyJson(text);
  } catch {
    return undefined;
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

const requestTooLarge = (maxBytes: number): CavraError =>
  new CavraError('request_too_large', `request is larger than ${maxBytes} bytes`);


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
    if (size > cap) throw requestTooLarge(maxBytes);
    chunks.push(buffer);
  }
  let bytes = Buffer.concat(chunks, size);
  if (bytes.at(-1) === 0x0a) bytes = bytes.subarray(0, bytes.at(-2) === 0x0d ? -2 : -1);
  if (bytes.length > maxBytes) throw requestTooLarge(maxBytes);
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



/**
 * Records a decision in the evidence log. Release-governance requests and decisions carry Python
 * values (mappings, big integers): the log holds their plain JSON form.
 */
function recordInLog<D extends Decision | ReleaseGovernanceDecision>(log: EvidenceSink, request: unknown, decision: D): D {
  const plainRequest = request instanceof Map ? toPlainJson(request as PyValue) : request;
  if (!isReleaseGovernanceDecision(decision)) return recordDecision(log, plainRequest, decision);
  const plainDecision = Object.fromEntries(Object.entries(decision).map(([k, v]) => [k, toPlainJson(v as PyValue)]));
  const ref = log.append({ request: plainRequest, decision: plainDecision });
  return { ...decision, evidence_refs: [...decision.evidence_refs, ref] };
}
async function decideSingle(
  engine: DecisionEngine,
  input: NodeJS.ReadableStream,
  io: CliIo,
  log?: EvidenceSink,
): Promise<number> {
  const bytes = await readSingleRequest(input);
  const request = parseRequestText(decodeUtf8(bytes, 0, bytes.length));
  let decision = engine.decide(request);
  // Recorded and flushed before it is printed: a decision the log cannot hold is not answered.
  if (log) decision = recordInLog(log, request, decision);
  await log?.close();
  const json = isReleaseGovernanceDecision(decision)
    ? releaseGovernanceDecisionJson(decision, 2)
    : JSON.stringify(decision, null, 2);
  io.stdout.write(`${json}\n`);
  return EXIT_OK;
}

const FLUSH_BYTES = 64 * 1024;
const OUTPUT_BUFFER_BYTES = 256 * 1024;

/**
 * JSON Lines in, one compact JSON line out per input line, in order. A bad line gets
 * `{"error": {...}}` in its place; exit 0, or 1 when a line met an internal fault. Streams: input is consumed chunk by chunk, output is flushed
 * with backpressure, and an over-long line is skipped (not buffered) up to its newline.
 */
export async function decideBatch(
  engine: DecisionEngine,
  input: NodeJS.ReadableStream,
  io: CliIo,
  log?: EvidenceSink,
): Promise<number> {
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
      const request = parseRequestText(text);
      let decision = engine.decide(request);
      if (log) decision = recordInLog(log, request, decision);
      emit(isReleaseGovernanceDecision(decision) ? releaseGovernanceDecisionJson(decision) : decisionJson(decision));
    } catch (error) {
      // Even a fault of ours answers its own line (code "internal") and the run goes on.
      if (!(error instanceof CavraError) || error.code === 'evidence_unwritable') internalFaults++;
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
  await log?.close();
  return internalFaults > 0 ? EXIT_FAILURE : EXIT_OK;
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
  const engine = engineFrom(flags, io);
  const batch = booleanFlag(flags, 'batch');
  const input = openInput(flags, io, batch);
  const log = openEvidenceLogFromFlags(flags, io);
  try {
    return await (batch ? decideBatch(engine, input, io, log) : decideSingle(engine, input, io, log));
  } finally {
    // Only reached open on a failure (both modes close the log themselves); that failure is what gets reported.
    await log?.close().catch(() => undefined);
  }
}
