// The worker entry file of @cavra/engine/node (dist/node/batch-worker-entry.js).
import { serveBatchWorker } from './batch-worker.js';

serveBatchWorker();
