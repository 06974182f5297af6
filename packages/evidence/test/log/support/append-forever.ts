// Child process of the kill -9 test: appends decisions to the log in argv[2] until it is killed.
// Reports each 100th sequence on stdout so the parent knows records are being written. Every
// 25th record is ~2 MB, so that the kill sometimes lands inside a write and leaves a torn line.
import { openEvidenceLog } from '../../../src/index.js';

const path = process.argv[2] as string;
const big = 'p'.repeat(2_000_000);
const log = openEvidenceLog(path, { fsync: 'never', recoverTornTail: true });
for (let i = 0; ; i++) {
  log.append({
    request: {
      action_type: 'read_file',
      target: `file-${i}`,
      pad: i % 25 === 0 ? big : 'p'.repeat(i % 5000),
    },
    decision: { decision: 'allow', i },
  });
  if (i % 100 === 0) process.stdout.write(`${log.nextSequence - 1}\n`);
}
