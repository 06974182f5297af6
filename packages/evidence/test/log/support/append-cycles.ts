// Child process of the lock-wait test: `append-cycles.ts LOG LABEL COUNT WAIT_MS` opens the log,
// appends one record and closes it, COUNT times (as one hook process per tool call does). On a
// failure it prints the CavraError code on stderr and exits 3.
import { CavraError } from '@cavra/policy-model';
import { openEvidenceLog } from '../../../src/index.js';

const [path, label, countText, waitText] = process.argv.slice(2) as [string, string, string, string];
try {
  for (let i = 0; i < Number(countText); i++) {
    const log = openEvidenceLog(path, { fsync: 'never', lockWaitMs: Number(waitText) });
    log.append({ request: { action_type: 'read_file', target: `${label}-${i}` }, decision: { decision: 'allow' } });
    await log.close();
  }
} catch (error) {
  process.stderr.write(error instanceof CavraError ? error.code : String(error));
  process.exit(3);
}
