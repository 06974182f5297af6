import { Readable } from 'node:stream';
import { fc, test } from '@fast-check/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchStream, createDecisionEngine, engineAnswerer } from '@cavra/engine';
import { BatchWorkerStopped, TEST_WORKER_CRASH_AFTER_ENV, runPooledBatch, type BatchWorkerPool } from '@cavra/engine/node';
import { readCorpus } from '@cavra/test-fixtures';
import { sourcePool, withoutVolatileFields } from './support/pool.js';
import { splitAt } from '../support/split-at.js';

const engine = createDecisionEngine();
const answer = engineAnswerer(engine);
const LIMIT = 200;

/** BatchStream's answers to `chunks`: what the pool must give, line for line. */
function batchStreamOutput(chunks: Buffer[], limit = LIMIT): string {
  const stream = new BatchStream(answer, limit);
  const out: string[] = [];
  for (const chunk of chunks) out.push(stream.push(chunk)?.toString('utf8') ?? '');
  out.push(stream.end()?.toString('utf8') ?? '');
  return out.join('');
}

async function pooledOutput(
  chunks: Buffer[],
  pool: BatchWorkerPool,
  options: {
    limit?: number;
    blockLines?: number;
    blockBytes?: number;
    maxBlocksInFlight?: number;
    startAfterLines?: number;
    mainThreadDecides?: boolean;
  } = {},
) {
  const out: Buffer[] = [];
  const result = await runPooledBatch(Readable.from(chunks), (bytes) => void out.push(Buffer.from(bytes)), {
    answer,
    pool: () => pool,
    maxLineBytes: options.limit ?? LIMIT,
    ...(options.blockLines !== undefined ? { blockLines: options.blockLines } : {}),
    ...(options.blockBytes !== undefined ? { blockBytes: options.blockBytes } : {}),
    ...(options.maxBlocksInFlight !== undefined ? { maxBlocksInFlight: options.maxBlocksInFlight } : {}),
    ...(options.mainThreadDecides !== undefined ? { mainThreadDecides: options.mainThreadDecides } : {}),
    ...(options.startAfterLines !== undefined ? { startAfter: { lines: options.startAfterLines, bytes: Number.MAX_SAFE_INTEGER } } : {}),
  });
  return { text: Buffer.concat(out).toString('utf8'), result };
}


const corpusRequests = readCorpus()
  .filter((c) => !c.policy_file && !c.registry)
  .slice(0, 400)
  .map((c) => JSON.stringify(c.request));

// One pool per worker count, shared by every case (a worker from sources takes a second to start).
const pools = new Map<number, BatchWorkerPool>();
beforeAll(() => {
  for (const workers of [1, 2, 3]) pools.set(workers, sourcePool(workers));
});
afterAll(async () => {
  await Promise.all([...pools.values()].map((pool) => pool.close()));
});
const poolOf = (workers: number): BatchWorkerPool => pools.get(workers) as BatchWorkerPool;

describe('runPooledBatch', { timeout: 60_000 }, () => {
  const lineArb: fc.Arbitrary<Buffer> = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...corpusRequests).map((line) => Buffer.from(line)) },
    fc.constantFrom('', '   ', '{', 'not json', '[]', '{"target":"a"}', '{"action_type":"read_file","target":"é ✓ 𝄞"}').map((s) => Buffer.from(s)),
    // over the test limit: request_too_large, never held whole
    fc.integer({ min: LIMIT + 1, max: 3 * LIMIT }).map((n) => Buffer.from(`{"action_type":"read_file","target":"${'x'.repeat(n)}"}`)),
    // invalid UTF-8
    fc.constantFrom(Buffer.from([0x7b, 0xff, 0x7d]), Buffer.from([0x22, 0xc3, 0x22])),
  );

  test.prop(
    [
      fc.array(fc.tuple(lineArb, fc.constantFrom('\n', '\r\n')), { maxLength: 60 }),
      fc.boolean(),
      fc.array(fc.nat(), { maxLength: 30 }),
      fc.integer({ min: 1, max: 3 }),
      fc.integer({ min: 1, max: 8 }),
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 0, max: 40 }),
      fc.boolean(),
    ],
    { numRuns: 60 },
  )(
    "equals BatchStream's output line for line, for any lines, chunking, worker count, block size and hand-over point",
    async (lines, terminated, cuts, workers, blockLines, maxBlocksInFlight, startAfterLines, mainThreadDecides) => {
      let bytes = Buffer.concat(lines.flatMap(([line, end]) => [line, Buffer.from(end)]));
      if (!terminated && lines.length > 0) bytes = bytes.subarray(0, bytes.length - (lines.at(-1) as [Buffer, string])[1].length);
      const chunks = splitAt(bytes, cuts);
      const expected = withoutVolatileFields(batchStreamOutput(chunks));
      const { text, result } = await pooledOutput(chunks, poolOf(workers), { blockLines, maxBlocksInFlight, startAfterLines, mainThreadDecides });
      expect(withoutVolatileFields(text)).toBe(expected);
      expect(result.answered).toBe(expected === '' ? 0 : expected.split('\n').length - 1);
      expect(result.internalFaults).toBe(0);
      expect(result.peakBlocksInFlight).toBeLessThanOrEqual(maxBlocksInFlight);
      if (!mainThreadDecides) expect(result.blocksToWorkers).toBe(result.blocks);
    },
  );

  it('answers in the main thread until the hand-over point, then through the pool', async () => {
    const input = Array.from({ length: 50 }, (_, i) => Buffer.from(`${corpusRequests[i] as string}\n`));
    const early = await pooledOutput(input, poolOf(2), { startAfterLines: 1000 });
    expect(early.result).toMatchObject({ pooled: false, blocks: 0, answered: 50 });
    const late = await pooledOutput(input, poolOf(2), { startAfterLines: 10, mainThreadDecides: false });
    expect(late.result).toMatchObject({ pooled: true, answered: 50, blocks: 40, blocksToWorkers: 40 });
    expect(withoutVolatileFields(late.text)).toBe(withoutVolatileFields(early.text));
  });

  it('keeps at most maxBlocksInFlight blocks in flight on a large input with slow output, and reads ahead no further', async () => {
    const line = `${corpusRequests[0] as string}\n`;
    const total = 30_000;
    let linesRead = 0;
    let linesWritten = 0;
    let mostAhead = 0;
    // 300 lines per chunk; the output takes a turn of the event loop per block.
    // Pulled one chunk at a time (a Readable would buffer chunks ahead of the reader).
    async function* input(): AsyncGenerator<Buffer> {
      for (let sent = 0; sent < total; sent += 300) {
        await new Promise((resolve) => setImmediate(resolve));
        linesRead += 300;
        yield Buffer.from(line.repeat(300));
      }
    }
    const result = await runPooledBatch(
      input(),
      async (bytes) => {
        await new Promise((resolve) => setImmediate(resolve));
        for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) linesWritten++;
        mostAhead = Math.max(mostAhead, linesRead - linesWritten);
      },
      { answer, pool: () => poolOf(2), blockLines: 100, maxBlocksInFlight: 4, mainThreadDecides: false },
    );
    expect(result).toMatchObject({
      answered: total,
      internalFaults: 0,
      pooled: true,
      blocks: total / 100,
      blocksToWorkers: total / 100,
      maxBlocksInFlight: 4,
    });
    expect(linesWritten).toBe(total);
    expect(result.peakBlocksInFlight).toBe(4);
    // At most the cap's blocks plus the chunk being cut into blocks are read and not yet written.
    expect(mostAhead).toBeLessThanOrEqual(4 * 100 + 300);
  });

  it('never loses a line when workers crash: their blocks are answered "internal", the rest goes on', async () => {
    const crashing = sourcePool(2, {}, { env: { ...process.env, [TEST_WORKER_CRASH_AFTER_ENV]: '1' } });
    try {
      const requests = corpusRequests.slice(0, 40);
      const chunks = requests.map((request) => Buffer.from(`${request}\n`));
      const expected = withoutVolatileFields(batchStreamOutput(chunks)).split('\n');
      const { text, result } = await pooledOutput(chunks, crashing, { blockLines: 2, mainThreadDecides: false });
      const out = withoutVolatileFields(text).split('\n');
      expect(out).toHaveLength(expected.length);
      const stopped = out.filter((line, i) => line !== expected[i]);
      expect(stopped.length).toBeGreaterThan(0);
      for (const line of stopped) {
        expect(JSON.parse(line)).toEqual({
          error: { code: 'internal', message: expect.stringMatching(/^BatchWorkerStopped: batch worker [01] (failed: test double|exited)/) as unknown },
        });
      }
      expect(result.internalFaults).toBe(stopped.length);
      expect(result.answered).toBe(40);
      expect(crashing.stoppedWorkers).toBe(2);
      expect(crashing.alive).toBe(0);
      // Each worker answered its first block; once both had stopped, the main thread answered the rest.
      expect(out.slice(-3)).toEqual(expected.slice(-3));
    } finally {
      await crashing.close();
    }
  });

  it('decides blocks in this thread too when no worker is free (the default), same answers', async () => {
    const line = `${corpusRequests[1] as string}\n`;
    const chunks = Array.from({ length: 200 }, () => Buffer.from(line.repeat(50)));
    const expected = withoutVolatileFields(batchStreamOutput(chunks, 1024 * 1024));
    await poolOf(1).ready();
    const { text, result } = await pooledOutput(chunks, poolOf(1), { limit: 1024 * 1024, blockLines: 50 });
    expect(withoutVolatileFields(text)).toBe(expected);
    expect(result.blocks).toBe(200);
    // A worker holds at most 2 blocks (the default queue depth): this thread decided the rest.
    expect(result.blocksToWorkers).toBeLessThan(200);
    expect(result.blocksToWorkers).toBeGreaterThan(0);
  });

  it('answers blocks as stopped when a pool has no running worker', async () => {
    const pool = sourcePool(1);
    await pool.close();
    const answered = await pool.decide({ id: 7, bytes: new Uint8Array(2), lengths: new Int32Array([1, 1]), lines: 2 });
    expect(answered.internalFaults).toBe(2);
    expect(Buffer.from(answered.out).toString('utf8').trimEnd().split('\n')).toHaveLength(2);
    expect(new BatchWorkerStopped('x').name).toBe('BatchWorkerStopped');
  });
});
