// tsx scripts/compare-tarballs.ts A.tgz B.tgz: exit 0 when both npm tarballs hold the same files
// with the same contents (package.json compared as JSON), else 1 naming the files that differ.
// release.yml uses it to check that npm serves exactly the packages in the signed release.
import { tarballDifferences } from './releasing/tarball.js';

const [a, b] = process.argv.slice(2);
if (a === undefined || b === undefined) {
  process.stderr.write('usage: tsx scripts/compare-tarballs.ts A.tgz B.tgz\n');
  process.exitCode = 2;
} else {
  try {
    const differences = tarballDifferences(a, b);
    if (differences.length === 0) {
      process.stdout.write(`same contents: ${a} ${b}\n`);
    } else {
      process.stderr.write(`contents differ (${a} vs ${b}): ${differences.join(', ')}\n`);
      process.exitCode = 1;
    }
  } catch (error) {
    process.stderr.write(`compare-tarballs: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  }
}
