import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is scripts/releasing/workspace.ts). */
export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** A failure of the release tooling that the caller should print as is (no stack). */
export class ReleaseToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReleaseToolError';
  }
}

export interface PackageManifest {
  name: string;
  version: string;
  private?: boolean;
  license?: string;
  description?: string;
  dependencies?: Record<string, string>;
  bin?: Record<string, string> | string;
  [key: string]: unknown;
}

export interface PublicPackage {
  name: string;
  version: string;
  /** Absolute package directory. */
  dir: string;
  /** Workspace-relative directory (`packages/cli`), the importer key in pnpm-lock.yaml. */
  importer: string;
  manifest: PackageManifest;
}

export const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

/** The publishable workspace packages: `packages/*` that are not private, sorted by directory. */
export const publicPackages = (root = ROOT): PublicPackage[] =>
  readdirSync(join(root, 'packages'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(root, 'packages', entry.name, 'package.json')))
    .map((entry) => {
      const dir = join(root, 'packages', entry.name);
      const manifest = readJson<PackageManifest>(join(dir, 'package.json'));
      return {
        name: manifest.name,
        version: manifest.version,
        dir,
        importer: `packages/${entry.name}`,
        manifest,
      };
    })
    .filter((pkg) => pkg.manifest.private !== true)
    .sort((a, b) => (a.importer < b.importer ? -1 : 1));

/** Runs a command and returns its stdout; throws a `ReleaseToolError` with its stderr on failure. */
export const run = (
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): string => {
  try {
    return execFileSync(command, args, {
      cwd: options.cwd ?? ROOT,
      env: options.env ?? process.env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    const failure = error as { status?: number; stderr?: string; stdout?: string; message: string };
    const output = `${failure.stderr ?? ''}${failure.stdout ?? ''}`.trim();
    throw new ReleaseToolError(
      `${command} ${args.join(' ')} failed (exit ${failure.status ?? '?'}):\n${output || failure.message}`,
    );
  }
};

/** `pnpm pack` of one package into `dest`; returns the tarball path. pnpm rewrites `workspace:^` to real ranges. */
export const packPackage = (pkg: PublicPackage, dest: string): string => {
  const before = new Set(existsSync(dest) ? readdirSync(dest) : []);
  run('pnpm', ['pack', '--pack-destination', dest], { cwd: pkg.dir });
  const created = readdirSync(dest).filter((name) => name.endsWith('.tgz') && !before.has(name));
  // pnpm names the tarball <scope>-<name>-<version>.tgz; look it up rather than re-deriving the rule.
  const expected = `${pkg.name.replace(/^@/, '').replace('/', '-')}-${pkg.version}.tgz`;
  const tarball = created.find((name) => name === expected) ?? created[0];
  if (tarball === undefined) throw new ReleaseToolError(`pnpm pack produced no tarball for ${pkg.name}`);
  return join(dest, basename(tarball));
};

/** Fails with one clear message when a package has not been built (the tarballs would be empty). */
export const requireBuilt = (packages: readonly PublicPackage[]): void => {
  const missing = packages.flatMap((pkg) => {
    const wanted = ['dist/index.js', 'dist/index.d.ts'];
    if (typeof pkg.manifest.bin === 'object')
      wanted.push(...Object.values(pkg.manifest.bin).map((p) => p.replace(/^\.\//, '')));
    return wanted.filter((file) => !existsSync(join(pkg.dir, file))).map((file) => `${pkg.importer}/${file}`);
  });
  if (missing.length > 0) {
    throw new ReleaseToolError(`build output missing (run \`pnpm build\` first): ${missing.join(', ')}`);
  }
};
