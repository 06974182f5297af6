import { readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { build, version as esbuildVersion, type Metafile } from 'esbuild';
import { ROOT, ReleaseToolError, readJson, type PublicPackage } from './workspace.js';

export { esbuildVersion };

/** A package whose code ended up in the bundle, with the bytes it contributed. */
export interface BundledPackage {
  name: string;
  version: string;
  /** True for `@cavra/*` workspace packages, false for third-party code from node_modules. */
  workspace: boolean;
  bytes: number;
}

export interface BundleResult {
  path: string;
  bytes: number;
  contents: BundledPackage[];
}

/** Maps a bundled input file to the package that owns it. */
const ownerOf = (
  input: string,
  workspace: readonly PublicPackage[],
  requireDist: boolean,
): { name: string; version: string; workspace: boolean } => {
  const file = isAbsolute(input) ? input : resolve(ROOT, input);
  const segments = file.split(sep);
  const nm = segments.lastIndexOf('node_modules');
  if (nm >= 0) {
    // pnpm's layout: .../node_modules/<name> or .../node_modules/@scope/<name>; the owner is the last such directory.
    const scoped = segments[nm + 1]?.startsWith('@') === true;
    const dir = segments.slice(0, nm + (scoped ? 3 : 2)).join(sep);
    const manifest = readJson<{ name?: string; version?: string }>(join(dir, 'package.json'));
    if (manifest.name === undefined || manifest.version === undefined) {
      throw new ReleaseToolError(`bundled file ${input}: ${dir}/package.json has no name or version`);
    }
    const own = workspace.find((pkg) => pkg.name === manifest.name);
    return { name: manifest.name, version: manifest.version, workspace: own !== undefined };
  }
  const pkg = workspace.find((candidate) => !relative(candidate.dir, file).startsWith('..'));
  if (pkg === undefined) throw new ReleaseToolError(`bundled file ${input} belongs to no known package`);
  if (requireDist && relative(join(pkg.dir, 'dist'), file).startsWith('..')) {
    throw new ReleaseToolError(
      `bundled file ${input} is not build output of ${pkg.name} (the bundle must match the tarballs)`,
    );
  }
  return { name: pkg.name, version: pkg.version, workspace: true };
};

/** The packages whose code esbuild put into the (single) output, by bytes contributed. */
const packagesIn = (
  metafile: Metafile,
  workspace: readonly PublicPackage[],
  requireDist: boolean,
): BundledPackage[] => {
  const byPackage = new Map<string, BundledPackage>();
  for (const [input, meta] of Object.entries(Object.values(metafile.outputs)[0]?.inputs ?? {})) {
    const owner = ownerOf(input, workspace, requireDist);
    const key = `${owner.name}@${owner.version}`;
    const entry = byPackage.get(key) ?? { ...owner, bytes: 0 };
    entry.bytes += meta.bytesInOutput;
    byPackage.set(key, entry);
  }
  if (byPackage.size === 0) throw new ReleaseToolError('esbuild metafile lists no inputs for the bundle');
  return [...byPackage.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
};

/**
 * What a bundle that a package's own build inlines into its tarball contains (e.g.
 * @cavra/cli's dist/cavra-runtime.cjs): the same entry resolved by esbuild the way tsup does,
 * without writing anything, so the SBOM can record CONTAINS for the tarball too.
 */
export const analyzeEmbeddedBundle = async (
  pkg: PublicPackage,
  entry: string,
  workspace: readonly PublicPackage[],
): Promise<BundledPackage[]> => {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [join(pkg.dir, entry)],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    write: false,
    metafile: true,
    outfile: join(pkg.dir, 'dist', 'sbom-analysis.cjs'),
    logLevel: 'silent',
  });
  return packagesIn(result.metafile, workspace, false);
};

/**
 * Bundles the built CLI (`packages/cli/dist/bin.cjs`, the code that is also in the npm tarball)
 * into one ESM file that runs with plain `node`: every import but `node:*` is inlined.
 */
export const bundleCli = async (
  cli: PublicPackage,
  workspace: readonly PublicPackage[],
  outfile: string,
): Promise<BundleResult> => {
  const binField = cli.manifest.bin;
  const binPath = typeof binField === 'string' ? binField : binField?.['cavra-runtime'];
  if (binPath === undefined) throw new ReleaseToolError(`${cli.name} has no "cavra-runtime" bin`);
  const entry = join(cli.dir, binPath);
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    metafile: true,
    outfile,
    // Readable output: auditors can read what they run; licence comments of inlined code stay.
    minify: false,
    legalComments: 'inline',
    logLevel: 'silent',
    // No tsconfig: its `paths` would map @cavra/* to sources; the bundle must hold the built code the tarballs ship.
    tsconfigRaw: {},
    // CommonJS code inlined into ESM may call require() for node builtins; give it a real one.
    banner: {
      js: "import { createRequire as __cavraCreateRequire } from 'node:module';\nconst require = __cavraCreateRequire(import.meta.url);",
    },
  });
  if (result.errors.length > 0)
    throw new ReleaseToolError(`esbuild failed: ${result.errors.map((e) => e.text).join('; ')}`);
  const output = result.outputFiles[0];
  if (output === undefined) throw new ReleaseToolError('esbuild produced no output');

  const contents = packagesIn(result.metafile, workspace, true);

  let text = output.text;
  const notice =
    `// cavra-runtime ${cli.version}: single-file build of ${cli.name} (run with: node cavra-runtime.mjs --help).\n` +
    `// Contains ${contents.map((c) => `${c.name}@${c.version}`).join(', ')}; licences per package in sbom.spdx.json.\n` +
    '// Embeds the CAVRA policy packs (Business Source License 1.1, see @cavra/policy-model packs/NOTICE.md).\n';
  // Keep the hashbang first so the file stays directly executable.
  text = text.startsWith('#!') ? text.replace(/^(#![^\n]*\n)/, `$1${notice}`) : `${notice}${text}`;
  writeFileSync(outfile, text);
  return { path: outfile, bytes: readFileSync(outfile).length, contents };
};
