import { Readable } from 'node:stream';
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { CavraError } from '@cavra/policy-model';
import {
  BatchStream,
  createDecisionEngine,
  engineAnswerer,
  errorPayload,
  requestTooLarge,
  runBatch,
  textAnswerer,
  type RequestAnswerer,
} from '@cavra/engine';
import { splitAt } from '../support/split-at.js';

const engine = createDecisionEngine();

/** Decisions without their volatile fields, so two runs compare equal. */
const coreLine = (request: unknown): string => JSON.stringify(engine.decideCore(request));
const coreAnswerer: RequestAnswerer = textAnswerer(coreLine);

/** What one line must be answered with, computed on its own (the oracle for the property). */
function expectedAnswer(line: string, limit = 64): string {
  let answer: string;
  if (Buffer.byteLength(line) > limit) answer = JSON.stringify(errorPayload(requestTooLarge()));
  else if (line.trim() === '')
    answer = JSON.stringify({
      error: { code: 'invalid_request', message: 'empty request line', python: 'ValueError: empty request line' },
    });
  else {
    try {
      answer = coreLine(JSON.parse(line));
    } catch (error) {
      answer = JSON.stringify(errorPayload(error instanceof SyntaxError ? new CavraError('invalid_json', `request is not valid JSON: ${error.message}`) : error));
    }
  }
  return `${answer}\n`;
}

function runChunks(chunks: Buffer[], answer: RequestAnswerer = coreAnswerer, limit = 64): string {
  const stream = new BatchStream(answer, limit);
  const out: string[] = [];
  for (const chunk of chunks) out.push(stream.push(chunk)?.toString('utf8') ?? '');
  out.push(stream.end()?.toString('utf8') ?? '');
  return out.join('');
}


describe('BatchStream', () => {
  it('answers every line in order: decisions, errors in place, a blank line, an unterminated last line', () => {
    const out = runChunks([
      Buffer.from('{"action_type":"read_file","target":".env"}\nnot json\n\n[1]\r\n{"action_type":"read_file","target":"a"}'),
    ], coreAnswerer, 1024).split('\n');
    expect(out.pop()).toBe('');
    expect(out).toHaveLength(5);
    expect(JSON.parse(out[0] as string)).toMatchObject({ decision: 'block' });
    expect(JSON.parse(out[1] as string)).toMatchObject({ error: { code: 'invalid_json' } });
    expect(JSON.parse(out[2] as string)).toEqual({
      error: { code: 'invalid_request', message: 'empty request line', python: 'ValueError: empty request line' },
    });
    expect(JSON.parse(out[3] as string)).toMatchObject({ error: { code: 'invalid_request' } });
    expect(JSON.parse(out[4] as string)).toMatchObject({ decision: 'allow', target: 'a' });
  });

  it('does not count the \\n or \\r\\n terminator towards the limit', () => {
    const exact = `{"action_type":"read_file","target":"${'a'.repeat(64 - 39)}"}`;
    expect(Buffer.byteLength(exact)).toBe(64);
    for (const terminator of ['\n', '\r\n']) {
      const out = runChunks([Buffer.from(exact + terminator + exact + 'x' + terminator)]).split('\n');
      expect(JSON.parse(out[0] as string)).toMatchObject({ decision: 'allow' });
      expect(JSON.parse(out[1] as string)).toMatchObject({ error: { code: 'request_too_large' } });
    }
  });

  it('answers an over-long line in place without holding it, whatever the chunking', () => {
    const long = 'x'.repeat(10_000);
    const chunks = Array.from({ length: 100 }, (_, i) => Buffer.from(long.slice(i * 100, i * 100 + 100)));
    chunks.push(Buffer.from('\n{"action_type":"read_file","target":"a"}\n'));
    const out = runChunks(chunks).split('\n');
    expect(out).toHaveLength(3);
    expect(JSON.parse(out[0] as string)).toMatchObject({ error: { code: 'request_too_large' } });
    expect(JSON.parse(out[1] as string)).toMatchObject({ decision: 'allow' });
  });

  it('carries a long valid line across many small chunks (the carry grows past its first size)', () => {
    const target = 't'.repeat(300_000);
    const line = Buffer.from(`{"action_type":"read_file","target":"${target}"}\n`);
    const chunks = Array.from({ length: Math.ceil(line.length / 1000) }, (_, i) => line.subarray(i * 1000, i * 1000 + 1000));
    const out = runChunks(chunks, coreAnswerer, 1024 * 1024);
    expect(JSON.parse(out) as unknown).toMatchObject({ decision: 'allow', target });
  });

  it('keeps every handed-out buffer intact while later chunks are answered, across slab growth', () => {
    const stream = new BatchStream(coreAnswerer);
    const request = (i: number): string => JSON.stringify({ action_type: 'read_file', target: `file-${i}` });
    const outputs: { buffer: Buffer; copy: string }[] = [];
    for (let round = 0; round < 40; round++) {
      const count = round % 7 === 0 ? 400 : 1 + (round % 3);
      const chunk = Array.from({ length: count }, (_, i) => `${request(round * 1000 + i)}\n`).join('');
      const buffer = stream.push(Buffer.from(chunk)) as Buffer;
      outputs.push({ buffer, copy: buffer.toString('utf8') });
      const lines = buffer.toString('utf8').trimEnd().split('\n');
      expect(lines).toHaveLength(count);
      expect(JSON.parse(lines[count - 1] as string)).toMatchObject({ target: `file-${round * 1000 + count - 1}` });
    }
    for (const { buffer, copy } of outputs) expect(buffer.toString('utf8')).toBe(copy);
  });

  it('returns one buffer per chunk, none for a chunk that completes no line', () => {
    const stream = new BatchStream(coreAnswerer);
    expect(stream.push(Buffer.from('{"action_type":"read_'))).toBeUndefined();
    expect(stream.pending).toBe(true);
    const out = stream.push(Buffer.from('file","target":"a"}\n{"action_type":"read_file","target":"b"}\n'));
    expect(out?.toString('utf8').split('\n')).toHaveLength(3);
    expect(stream.pending).toBe(false);
    expect(stream.answered).toBe(2);
  });

  it('answers a fault of ours with code "internal", counts it, and goes on', () => {
    let calls = 0;
    const faulty: RequestAnswerer = (request, out) => {
      if (calls++ === 0) throw new TypeError('boom');
      coreAnswerer(request, out);
    };
    const stream = new BatchStream(faulty);
    const out = stream.push(Buffer.from('{"action_type":"read_file","target":"a"}\n{"action_type":"read_file","target":"a"}\n'));
    const lines = out?.toString('utf8').split('\n') ?? [];
    expect(JSON.parse(lines[0] as string)).toEqual({ error: { code: 'internal', message: 'TypeError: boom' } });
    expect(JSON.parse(lines[1] as string)).toMatchObject({ decision: 'allow' });
    expect(stream.internalFaults).toBe(1);
  });

  it('refuses invalid UTF-8 as invalid_json', () => {
    const out = runChunks([Buffer.from([0x7b, 0xff, 0x7d, 0x0a])]);
    expect(JSON.parse(out)).toMatchObject({ error: { code: 'invalid_json', message: 'request is not valid UTF-8' } });
  });

  // The property the server and --batch rely on: chunk boundaries never change the answers.
  const lineArb = fc.oneof(
    fc.constantFrom(
      '{"action_type":"read_file","target":".env"}',
      '{"action_type":"execute_command","target":"rm -rf /"}',
      '{"action_type":"git_operation","operation":"push","target":"main"}',
      '{"action_type":"read_file","target":"é ✓ 𝄞"}',
      '',
      '   ',
      '{',
      '[]',
      '{"target":"a"}',
      `{"action_type":"read_file","target":"${'y'.repeat(80)}"}`,
    ),
    fc.string({ maxLength: 70, unit: 'grapheme' }).filter((s) => !s.includes('\n') && !s.includes('\r')),
  );
  test.prop([
    fc.array(fc.tuple(lineArb, fc.constantFrom('\n', '\r\n')), { maxLength: 30 }),
    fc.boolean(),
    fc.array(fc.nat(), { maxLength: 40 }),
  ])('for any chunking, output lines = input lines, in order, identical to one-line-at-a-time answers', (lines, terminated, cuts) => {
    let text = lines.map(([line, end]) => line + end).join('');
    if (!terminated && lines.length > 0) text = text.slice(0, -(lines.at(-1) as [string, string])[1].length);
    const expected = lines.map(([line]) => expectedAnswer(line)).join('');
    // An unterminated empty last line is no line at all.
    const effective = !terminated && lines.length > 0 && (lines.at(-1) as [string, string])[0] === ''
      ? lines.slice(0, -1).map(([line]) => expectedAnswer(line)).join('')
      : expected;
    expect(runChunks(splitAt(Buffer.from(text, 'utf8'), cuts))).toBe(effective);
  });
});

describe('runBatch', () => {
  it('writes each chunk\'s answers and reports the line count', async () => {
    const input = (): AsyncIterable<Buffer | string> =>
      Readable.from(['{"action_type":"read_file","target":"a"}\n{"action_type"', Buffer.from(':"read_file","target":".env"}')], {
        objectMode: true,
      });
    const writes: string[] = [];
    const result = await runBatch(input(), engineAnswerer(engine), (bytes) => {
      writes.push(bytes.toString('utf8'));
    });
    expect(result).toEqual({ answered: 2, internalFaults: 0 });
    expect(writes).toHaveLength(2);
    expect(JSON.parse(writes[1] as string)).toMatchObject({ decision: 'block', evidence_refs: [expect.any(String)] });
  });

  it('passes a CavraError from the answerer through as its own error line', async () => {
    const refusing: RequestAnswerer = () => {
      throw new CavraError('invalid_request', 'no');
    };
    const writes: string[] = [];
    await runBatch(Readable.from(['{}\n']), refusing, (bytes) => void writes.push(bytes.toString('utf8')));
    expect(writes).toEqual(['{"error":{"code":"invalid_request","message":"no"}}\n']);
  });
});
