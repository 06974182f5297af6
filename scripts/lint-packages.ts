// pnpm lint:packages: the repository metadata and licence of every public package (one
// repository URL, see releasing/package-metadata.ts), then publint (strict) and
// @arethetypeswrong/cli on the exact tarball `pnpm pack` produces for every public package, i.e.
// what npm users would install. Needs `pnpm build` first.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ROOT,
  ReleaseToolError,
  packPackage,
  publicPackages,
  requireBuilt,
  run,
} from './releasing/workspace.js';
import { packageMetadataProblems } from './releasing/package-metadata.js';

const bin = (name: string): string => join(ROOT, 'node_modules', '.bin', name);

const main = (): number => {
  const packages = publicPackages();
  const metadata = packageMetadataProblems(packages);
  for (const problem of metadata) process.stdout.write(`FAIL ${problem}\n`);
  if (metadata.length > 0) return 1;
  requireBuilt(packages);
  const dir = mkdtempSync(join(tmpdir(), 'cavra-lint-packages-'));
  const failures: string[] = [];
  try {
    for (const pkg of packages) {
      const tarball = packPackage(pkg, dir);
      for (const [tool, args] of [
        ['publint', ['run', tarball, '--strict']],
        // ESM-only packages: the esm-only profile skips the CommonJS resolution modes they do not support.
        ['attw', [tarball, '--profile', 'esm-only', '--format', 'ascii', '--no-color']],
      ] as const) {
        try {
          run(bin(tool), [...args]);
          process.stdout.write(`ok   ${pkg.name}: ${tool}\n`);
        } catch (error) {
          if (!(error instanceof ReleaseToolError)) throw error;
          failures.push(`${pkg.name}: ${tool}`);
          process.stdout.write(`FAIL ${pkg.name}: ${tool}\n${indent(error.message)}`);
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(
    failures.length === 0
      ? `lint:packages: ${packages.length} packages clean\n`
      : `lint:packages: failed: ${failures.join(', ')}\n`,
  );
  return failures.length === 0 ? 0 : 1;
};

const indent = (text: string): string =>
  text.trim() === '' ? '' : `${text.trim().replace(/^/gm, '     ')}\n`;

try {
  process.exitCode = main();
} catch (error) {
  process.stderr.write(`lint:packages: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
}
