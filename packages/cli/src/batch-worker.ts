// Entry of dist/batch-worker.cjs: one `--batch --workers` thread, bundled whole like the CLI.
import { serveBatchWorker } from '@cavra/engine/node';

serveBatchWorker();
