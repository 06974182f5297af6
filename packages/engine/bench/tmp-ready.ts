import { Worker } from 'node:worker_threads';
for (const script of ['/work/wb/packages/engine/dist/node/batch-worker-entry.js', '/work/wb/packages/cli/dist/batch-worker.cjs']) {
  for (let r = 0; r < 3; r++) {
    const t = performance.now();
    const w = new Worker(script, { workerData: { spec: {} }, execArgv: [] });
    await new Promise<void>((resolve) => w.once('message', () => resolve()));
    console.log(script.split('/').slice(-2).join('/'), 'ready after', (performance.now() - t).toFixed(0), 'ms');
    await w.terminate();
  }
}
const t = performance.now();
const w = new Worker('process.exit(0)', { eval: true, execArgv: [] });
await new Promise((r) => w.once('exit', r));
console.log('empty worker', (performance.now() - t).toFixed(0));
