import { Readable } from 'node:stream';
import { expect, it } from 'vitest';
import { createDecisionEngine, engineAnswerer } from '@cavra/engine';
import { BatchWorkerPool, runPooledBatch } from '@cavra/engine/node';

it('smoke', async () => {
  const t = performance.now();
  const pool = new BatchWorkerPool({ workers: 2, spec: {}, script: new URL('./support/source-batch-worker.mjs', import.meta.url) });
  const lines = Array.from({ length: 5000 }, (_, i) => JSON.stringify({ action_type: 'read_file', target: `f${i}` })).join('\n');
  const out: Buffer[] = [];
  const result = await runPooledBatch(Readable.from([Buffer.from(lines)]), (b) => void out.push(Buffer.from(b)), {
    answer: engineAnswerer(createDecisionEngine()), pool: () => pool,
  });
  console.log(result, performance.now() - t);
  const t2 = performance.now();
  const result2 = await runPooledBatch(Readable.from([Buffer.from(lines)]), (b) => void out.push(Buffer.from(b)), {
    answer: engineAnswerer(createDecisionEngine()), pool: () => pool,
  });
  console.log(result2, performance.now() - t2);
  await pool.close();
  expect(Buffer.concat(out).toString().split('\n').length).toBe(10001);
});
