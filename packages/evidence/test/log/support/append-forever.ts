// Child process of the kill -9 test: appends decisions to the log in argv[2] until it is killed.
// Reports each 100th sequence on stdout so the parent knows records are being written.
import { openEvidenceLog } from '../../../src/index.js';

const path = process.argv[2] as string;
const log = openEvidenceLog(path, { fsync: 'never', recoverTornTail: true });
for (let i = 0; ; i++) {
  log.append({
    request: { action_type: 'read_file', target: `file-${i}`, pad: 'p'.repeat(i % 5000) },
    decision: { decision: 'allow', i },
  });
  if (i % 100 === 0) process.stdout.write(`${log.nextSequence - 1}\n`);
}
