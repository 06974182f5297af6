/**
 * The `--batch` loop as it was before the shared batch path (kept here only as the benchmark's
 * "previous" contender, so the gain is measured side by side in one run; nothing else uses it).
 */
import type { Writable } from 'node:stream';
import { CavraError } from '@cavra/policy-model';
import { answerLine,
  MAX_REQUEST_BYTES,
  decodeRequestUtf8,
  errorPayload,
  parseRequestJson,
  type DecisionEngine,
} from '@cavra/engine';

const FLUSH_BYTES = 64 * 1024;
const OUTPUT_BUFFER_BYTES = 256 * 1024;

/**
 * JSON Lines in, one compact JSON line out per input line, in order. A bad line gets
 * `{"error": {...}}` in its place; exit 0, or 1 when a line met an internal fault. Streams: input is consumed chunk by chunk, output is flushed
 * with backpressure, and an over-long line is skipped (not buffered) up to its newline.
 */
export async function previousDecideBatch(engine: DecisionEngine, input: NodeJS.ReadableStream, output: Writable): Promise<number> {
  // Lines are UTF-8-encoded straight into byte buffers. A full buffer is queued and a fresh one
  // started (stdout may hold a written buffer until it is flushed, so none is reused).
  const stdout = output;
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
      const text = decodeRequestUtf8(bytes, start, end);
      if (text.trim() === '') {
        throw new CavraError('invalid_request', 'empty request line', {
          python: 'ValueError: empty request line',
        });
      }
      emit(answerLine(engine.decide(parseRequestJson(text))));
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
  return internalFaults;
}

