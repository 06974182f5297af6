#!/usr/bin/env -S npx tsx
// pnpm release:package --out DIR [--signing-key FILE] [--test-report FILE] [--parity-report FILE] [--no-build]
//
// Builds the signed release package described in docs/release.md: cavra-runtime.mjs, one npm
// tarball per public package, checksums.txt, sbom.spdx.json, release-evidence.json, a detached
// Ed25519 signature per file and signing-key.pub.pem; then verifies the result before exiting.
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import type { KeyObject } from 'node:crypto';
import {
  RELEASE_FILES,
  generateSigningKeyPair,
  isSigningError,
  keyFingerprint,
  loadPrivateKey,
  publicKeyOf,
  sha256Hex,
  signReleaseFiles,
  verifyReleaseFiles,
} from '../packages/evidence/src/index.js';
import { analyzeEmbeddedBundle, bundleCli, esbuildVersion } from './releasing/bundle.js';
import {
  ciContext,
  defaultParityReport,
  gitState,
  packageList,
  pnpmVersion,
  readParityEvidence,
  readTestEvidence,
  type ReleaseEvidence,
  type SigningEvidence,
} from './releasing/evidence.js';
import { readLockfile, runtimeGraph } from './releasing/lockfile.js';
import { assertSbomShape, buildSbom, type ArtifactInfo } from './releasing/sbom.js';
import { ROOT, ReleaseToolError, packPackage, publicPackages, requireBuilt } from './releasing/workspace.js';

const USAGE = `Usage: pnpm release:package --out DIR [options]

  --out DIR              empty or new directory to write the release package into (required)
  --signing-key FILE     Ed25519 private key, PKCS#8 PEM (else env CAVRA_RELEASE_SIGNING_KEY holds the PEM;
                         else an ephemeral key is generated and the evidence says so)
  --test-report FILE     vitest JSON report of the run this release is cut from (default reports/vitest.json)
  --parity-report FILE   parity summary.json (default parity-report/, else apps/parity-harness/parity-report/)
  --no-build             use the existing build output instead of running \`pnpm build\`
  -h, --help             show this help
`;

/**
 * Bundles that a package's own build puts into its tarball, with the source entry tsup builds them
 * from. Listed here (not discovered) because only the build config knows them; a missing file is skipped.
 */
const EMBEDDED_BUNDLES = [
  { packageName: '@cavra/cli', file: 'dist/cavra-runtime.cjs', entry: 'src/bundle-entry.ts' },
] as const;

interface Options {
  out: string;
  signingKey: string | undefined;
  testReport: string;
  parityReport: string;
  build: boolean;
}

const parseOptions = (argv: readonly string[]): Options | 'help' => {
  const options: Partial<Options> & { build: boolean } = { build: true };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new ReleaseToolError(`${flag} needs a value\n\n${USAGE}`);
      return v;
    };
    switch (flag) {
      case '-h':
      case '--help':
        return 'help';
      case '--':
        break; // pnpm forwards a literal `--` on some versions
      case '--out':
        options.out = resolve(value());
        break;
      case '--signing-key':
        options.signingKey = resolve(value());
        break;
      case '--test-report':
        options.testReport = resolve(value());
        break;
      case '--parity-report':
        options.parityReport = resolve(value());
        break;
      case '--no-build':
        options.build = false;
        break;
      default:
        throw new ReleaseToolError(`unknown argument ${arg}\n\n${USAGE}`);
    }
  }
  if (options.out === undefined) throw new ReleaseToolError(`--out DIR is required\n\n${USAGE}`);
  return {
    out: options.out,
    signingKey: options.signingKey,
    testReport: options.testReport ?? join(ROOT, 'reports', 'vitest.json'),
    parityReport: options.parityReport ?? defaultParityReport(),
    build: options.build,
  };
};

const loadKey = (options: Options): { key: KeyObject; source: SigningEvidence['key_source'] } => {
  try {
    if (options.signingKey !== undefined)
      return { key: loadPrivateKey(readFileSync(options.signingKey)), source: 'file' };
    const fromEnv = process.env.CAVRA_RELEASE_SIGNING_KEY;
    if (fromEnv !== undefined && fromEnv.trim() !== '')
      return { key: loadPrivateKey(fromEnv), source: 'env' };
  } catch (error) {
    if (isSigningError(error)) throw new ReleaseToolError(`signing key: ${error.message}`);
    throw new ReleaseToolError(
      `signing key: cannot read ${options.signingKey ?? 'CAVRA_RELEASE_SIGNING_KEY'}: ${(error as Error).message}`,
    );
  }
  return { key: generateSigningKeyPair().privateKey, source: 'ephemeral' };
};

/** SOURCE_DATE_EPOCH (reproducible-builds convention) fixes the recorded time; else now. */
const buildTime = (): Date => {
  const epoch = process.env.SOURCE_DATE_EPOCH;
  return epoch !== undefined && /^\d+$/.test(epoch) ? new Date(Number(epoch) * 1000) : new Date();
};

const artifactInfo = (path: string): ArtifactInfo => {
  const bytes = readFileSync(path);
  return { name: basename(path), sha256: sha256Hex(bytes), size: bytes.length };
};

const timed = async <T>(
  durations: Record<string, number>,
  label: string,
  work: () => T | Promise<T>,
): Promise<T> => {
  const start = performance.now();
  try {
    return await work();
  } finally {
    durations[label] = Math.round(performance.now() - start);
  }
};

/** Runs the bundle from an empty directory: it must work without any node_modules around it. */
const smokeTestBundle = (bundle: string, version: string): void => {
  const empty = mkdtempSync(join(tmpdir(), 'cavra-bundle-smoke-'));
  try {
    const result = spawnSync(process.execPath, [bundle, '--version'], {
      cwd: empty,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
    });
    if (result.status !== 0 || !result.stdout.includes(version)) {
      throw new ReleaseToolError(
        `bundled CLI smoke test failed: \`node cavra-runtime.mjs --version\` exited ${String(result.status)}, printed ${JSON.stringify(result.stdout.trim())} ${result.stderr.trim()}`,
      );
    }
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
};

const main = async (argv: readonly string[]): Promise<number> => {
  const options = parseOptions(argv);
  if (options === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (existsSync(options.out) && readdirSync(options.out).length > 0) {
    throw new ReleaseToolError(
      `${options.out} is not empty; a release package is written into an empty directory`,
    );
  }
  const durations: Record<string, number> = {};
  const started = performance.now();
  const time = buildTime();
  const { key, source } = loadKey(options);
  const fingerprint = keyFingerprint(publicKeyOf(key));

  if (options.build) {
    await timed(durations, 'build', () => {
      const result = spawnSync('pnpm', ['build'], { cwd: ROOT, stdio: 'inherit' });
      if (result.status !== 0)
        throw new ReleaseToolError(`pnpm build failed (exit ${String(result.status)})`);
    });
  }
  const packages = publicPackages();
  requireBuilt(packages);
  const cli = packages.find((pkg) => pkg.name === '@cavra/cli');
  if (cli === undefined) throw new ReleaseToolError('packages/cli (@cavra/cli) not found');
  mkdirSync(options.out, { recursive: true });

  const bundle = await timed(durations, 'bundle', () =>
    bundleCli(cli, packages, join(options.out, 'cavra-runtime.mjs')),
  );
  await timed(durations, 'bundle_smoke_test', () => smokeTestBundle(bundle.path, cli.version));
  const tarballs = await timed(durations, 'pack', () =>
    packages.map((pkg) => ({ pkg, artifact: artifactInfo(packPackage(pkg, options.out)) })),
  );
  const bundleArtifact = artifactInfo(bundle.path);
  const artifacts = [bundleArtifact, ...tarballs.map((t) => t.artifact)].sort((a, b) =>
    a.name < b.name ? -1 : 1,
  );

  // Tarball files that inline other packages; the SBOM records what each contains.
  const embedded = await timed(durations, 'sbom_bundle_analysis', () =>
    Promise.all(
      EMBEDDED_BUNDLES.flatMap((spec) => {
        const pkg = packages.find((p) => p.name === spec.packageName);
        if (pkg === undefined || !existsSync(join(pkg.dir, spec.file))) return [];
        return [analyzeEmbeddedBundle(pkg, spec.entry, packages).then((contents) => ({ ...spec, contents }))];
      }),
    ),
  );
  const graph = runtimeGraph(
    readLockfile(join(ROOT, 'pnpm-lock.yaml')),
    packages.map((pkg) => pkg.importer),
  );
  const { document: sbom, warnings } = buildSbom({
    cli,
    packages: tarballs,
    bundle: { artifact: bundleArtifact, contents: bundle.contents },
    graph,
    embedded,
    created: `${time.toISOString().slice(0, 19)}Z`,
  });
  assertSbomShape(sbom);
  const sbomText = `${JSON.stringify(sbom, null, 2)}\n`;

  const evidence: ReleaseEvidence = {
    schema_version: 1,
    name: 'cavra-runtime',
    version: cli.version,
    packages: packageList(tarballs),
    git: gitState(),
    build: {
      time: time.toISOString(),
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      pnpm: pnpmVersion(),
      esbuild: esbuildVersion,
      ...(ciContext() ? { ci: ciContext() } : {}),
      durations_ms: durations,
    },
    signing: {
      algorithm: 'Ed25519',
      key_id: fingerprint.keyId,
      public_key_sha256: fingerprint.publicKeySha256,
      key_source: source,
      ephemeral: source === 'ephemeral',
      ...(source === 'ephemeral'
        ? {
            note: 'No signing key was given: an ephemeral key was generated for this run and discarded. The signatures prove integrity relative to signing-key.pub.pem only, not the publisher.',
          }
        : {}),
    },
    artifacts,
    sbom: {
      file: RELEASE_FILES.sbom,
      sha256: sha256Hex(Buffer.from(sbomText)),
      packages: sbom.packages.length,
      relationships: sbom.relationships.length,
    },
    tests: readTestEvidence(options.testReport),
    parity: readParityEvidence(options.parityReport),
  };
  const evidenceText = `${JSON.stringify(evidence, null, 2)}\n`;

  const files = new Map<string, Uint8Array>(
    artifacts.map((a) => [a.name, readFileSync(join(options.out, a.name))]),
  );
  files.set(RELEASE_FILES.sbom, Buffer.from(sbomText));
  files.set(RELEASE_FILES.evidence, Buffer.from(evidenceText));
  const signed = await timed(durations, 'sign', () => signReleaseFiles(files, key));
  writeFileSync(join(options.out, RELEASE_FILES.sbom), sbomText);
  writeFileSync(join(options.out, RELEASE_FILES.evidence), evidenceText);
  for (const [name, bytes] of signed) writeFileSync(join(options.out, name), bytes);

  // Read back what is on disk and verify it as a consumer would, so a broken package never leaves here.
  const onDisk = new Map(
    readdirSync(options.out).map((name) => [name, readFileSync(join(options.out, name))] as const),
  );
  const report = verifyReleaseFiles(onDisk, publicKeyOf(key));
  if (!report.ok) {
    throw new ReleaseToolError(
      `self-verification failed:\n${report.problems.map((p) => `  ${p.file}: [${p.code}] ${p.message}`).join('\n')}`,
    );
  }

  const out = process.stdout;
  for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);
  out.write(
    `release package ${cli.version} written to ${options.out} (verified, key ${fingerprint.keyId}, ${source})\n`,
  );
  for (const name of readdirSync(options.out).sort()) {
    out.write(`  ${String(statSync(join(options.out, name)).size).padStart(9)}  ${name}\n`);
  }
  out.write(
    `  tests: ${evidence.tests.status}; parity: ${evidence.parity.status}; git ${evidence.git.commit ?? 'unknown'}${evidence.git.dirty ? ' (dirty)' : ''}\n`,
  );
  out.write(`  bundle contains ${bundle.contents.map((c) => `${c.name}@${c.version}`).join(', ')}\n`);
  out.write(
    `  took ${Math.round(performance.now() - started)} ms (${Object.entries(durations)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')})\n`,
  );
  if (source === 'ephemeral')
    process.stderr.write(
      'note: signed with an ephemeral key (no --signing-key / CAVRA_RELEASE_SIGNING_KEY)\n',
    );
  return 0;
};

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof ReleaseToolError) {
      process.stderr.write(`release:package: ${error.message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(
        `release:package: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exitCode = 1;
    }
  },
);
