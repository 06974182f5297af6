// The metadata every published package must carry (npm provenance needs `repository`), from ONE
// repository URL. The URL is to be confirmed by the owners (docs/notes.md).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, publicPackages, type PublicPackage } from './workspace.js';

/** THE repository URL (to be confirmed, see docs/notes.md). */
export const REPOSITORY_URL = 'https://github.com/cavra-dev/cavra-ts';

/** The license of the repository (LICENSE) and of every package. */
export const LICENSE_ID = 'BUSL-1.1';

export interface PackageMetadata {
  license: string;
  repository: { type: 'git'; url: string; directory: string };
  homepage: string;
  bugs: { url: string };
}

/** What the package in `importer` (e.g. `packages/cli`) must declare. */
export function expectedPackageMetadata(importer: string): PackageMetadata {
  return {
    license: LICENSE_ID,
    repository: { type: 'git', url: `git+${REPOSITORY_URL}.git`, directory: importer },
    homepage: `${REPOSITORY_URL}/tree/main/${importer}#readme`,
    bugs: { url: `${REPOSITORY_URL}/issues` },
  };
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Every difference between the packages' metadata and what they must declare; empty when all is well. */
export function packageMetadataProblems(packages: readonly PublicPackage[] = publicPackages(), root = ROOT): string[] {
  const problems: string[] = [];
  const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { license?: unknown };
  if (rootManifest.license !== LICENSE_ID) problems.push(`package.json: license must be ${LICENSE_ID}`);
  if (!readFileSync(join(root, 'LICENSE'), 'utf8').includes('Business Source License 1.1')) {
    problems.push('LICENSE: not the Business Source License 1.1 text');
  }
  for (const pkg of packages) {
    const manifest: Record<string, unknown> = pkg.manifest;
    if (manifest.private === true) continue;
    const expected = expectedPackageMetadata(pkg.importer);
    for (const [field, value] of Object.entries(expected)) {
      if (!same(manifest[field], value)) {
        problems.push(`${pkg.importer}/package.json: ${field} must be ${JSON.stringify(value)}, is ${JSON.stringify(manifest[field])}`);
      }
    }
  }
  return problems;
}
