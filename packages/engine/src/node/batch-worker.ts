import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { createDecisionEngine } from '../engine.js';
import { AnswerSlab } from '../batch/answer-slab.js';
import { LineAnswerer, engineAnswerer } from '../batch/line-answerer.js';
import { answerBlock, type BatchBlock, type BatchWorkerData, type BlockAnswer, type WorkerReady } from './batch-protocol.js';
import { engineOptionsOf } from './engine-spec.js';

/**
 * Test double: a worker started with this variable set to N stops with an uncaught error when
 * its (N+1)th block arrives, so tests can check that the pool never loses a line. Read here only.
 */
export const TEST_WORKER_CRASH_AFTER_ENV = 'CAVRA_TEST_WORKER_CRASH_AFTER';

/**
 * The body of a batch worker thread (a worker entry file calls it): builds its own engine from
 * the spec in `workerData` and answers each block it is sent, line by line, with the same
 * `LineAnswerer` that `BatchStream` uses, so every line gets the bytes it would get there (the
 * ids and timestamp of a decision are its own, as in any run).
 */
export function serveBatchWorker(): void {
  const port = parentPort;
  if (isMainThread || port === null) throw new Error('serveBatchWorker runs in a worker thread');
  const { spec } = workerData as BatchWorkerData;
  const engine = createDecisionEngine(engineOptionsOf(spec));
  // Loads and prepares the policy a request without `policy_pack` uses (the pack is read lazily
  // otherwise), so the first block is not slowed by it. The answer is discarded; a failure here
  // is the same failure the first such line will meet, and is answered there.
  try {
    engine.decideCore({ action_type: 'read_file', target: '' });
  } catch {
    // answered in place when a line meets it
  }
  const answers = new LineAnswerer(engineAnswerer(engine));
  const crashAfterText = process.env[TEST_WORKER_CRASH_AFTER_ENV];
  const crashAfter = crashAfterText !== undefined && crashAfterText !== '' ? Number(crashAfterText) : undefined;
  const slab = new AnswerSlab();
  let blocks = 0;
  port.postMessage({ ready: true } satisfies WorkerReady);
  port.on('message', (block: BatchBlock) => {
    if (crashAfter !== undefined && blocks >= crashAfter) {
      throw new Error(`test double: ${TEST_WORKER_CRASH_AFTER_ENV}=${crashAfterText} stops this worker`);
    }
    blocks++;
    const faultsBefore = answers.internalFaults;
    answerBlock(block, answers, slab);
    // A copy of its own (the slab is reused; a view of it or of Node's shared pool cannot be transferred).
    const out = new Uint8Array(slab.take() ?? new Uint8Array(0));
    const answer: BlockAnswer = { id: block.id, out, lines: block.lines, internalFaults: answers.internalFaults - faultsBefore };
    port.postMessage(answer, [out.buffer]);
  });
}
