// End to end: `pnpm release:package` on the current build, then `cavra-runtime release verify`,
// `sha256sum -c`, the SBOM against pnpm-lock.yaml, and every tampering the release contract names.
// Needs `pnpm build` first. A missing build fails this test with that instruction; it never skips.
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKeyPair, privateKeyPem, publicKeyPem } from '@cavra/evidence';
import { releaseVerifyCommand } from '../../packages/cli/src/commands/release-verify.js';
import type { ReleaseEvidence } from '../releasing/evidence.js';
import type { SpdxDocument } from '../releasing/sbom.js';
import { tarballDifferences } from '../releasing/tarball.js';
import { ROOT, publicPackages, requireBuilt } from '../releasing/workspace.js';

const tsx = join(ROOT, 'node_modules', '.bin', 'tsx');
const keys = generateSigningKeyPair();
const envKeys = generateSigningKeyPair();
let work: string;
let release: string;
let ephemeral: string;
let fromEnv: string;
let packagerOutput = '';

const packageRelease = (out: string, args: string[], env: NodeJS.ProcessEnv = {}): string => {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => k !== 'CAVRA_RELEASE_SIGNING_KEY'),
  );
  const result = spawnSync(
    tsx,
    [join(ROOT, 'scripts', 'release-package.ts'), '--out', out, '--no-build', ...args],
    {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...base, ...env },
      timeout: 240_000,
    },
  );
  if (result.status !== 0)
    throw new Error(
      `release:package failed (exit ${String(result.status)}):\n${result.stderr}${result.stdout}`,
    );
  return result.stdout;
};

const verify = async (dir: string, publicKeyFile: string): Promise<{ code: number; out: string }> => {
  let out = '';
  const code = await releaseVerifyCommand([dir, '--public-key', publicKeyFile], {
    stdin: Readable.from([]),
    stdout: { write: (chunk: string) => (out += chunk) },
    // Failures are one {"error": {message, issues}} line: render each issue as `path: message`.
    stderr: { write: (chunk: string) => (out += renderErrorLine(chunk)) },
    env: {},
    cwd: ROOT,
  });
  return { code, out };
};

const renderErrorLine = (line: string): string => {
  const { error } = JSON.parse(line) as { error: { message: string; issues?: { path: string; message: string }[] } };
  return `${error.message}\n${(error.issues ?? []).map((issue) => `  ${issue.path}: ${issue.message}\n`).join('')}`;
};

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

beforeAll(() => {
  requireBuilt(publicPackages()); // throws "build output missing (run `pnpm build` first): ..."
  work = mkdtempSync(join(tmpdir(), 'cavra-release-package-'));
  writeFileSync(join(work, 'signing.pem'), privateKeyPem(keys.privateKey));
  writeFileSync(join(work, 'trusted.pub.pem'), publicKeyPem(keys.publicKey));
  writeFileSync(join(work, 'env.pub.pem'), publicKeyPem(envKeys.publicKey));
  writeFileSync(
    join(work, 'parity-summary.json'),
    JSON.stringify({ mode: 'recorded', total: 10, mismatches: 0 }),
  );
  writeFileSync(
    join(work, 'vitest.json'),
    JSON.stringify({
      success: true,
      numTotalTests: 7,
      numPassedTests: 7,
      numFailedTests: 0,
      numPendingTests: 0,
      numTodoTests: 0,
      numTotalTestSuites: 2,
      startTime: 0,
    }),
  );
  release = join(work, 'release');
  packagerOutput = packageRelease(release, [
    '--signing-key',
    join(work, 'signing.pem'),
    '--test-report',
    join(work, 'vitest.json'),
    '--parity-report',
    join(work, 'parity-summary.json'),
  ]);
  ephemeral = join(work, 'ephemeral');
  packageRelease(ephemeral, [
    '--test-report',
    join(work, 'absent.json'),
    '--parity-report',
    join(work, 'absent.json'),
  ]);
  fromEnv = join(work, 'from-env');
  packageRelease(fromEnv, [], { CAVRA_RELEASE_SIGNING_KEY: privateKeyPem(envKeys.privateKey) });
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('pnpm release:package', () => {
  it('writes the bundle, one tarball per public package, the documents, a signature per file and the public key', () => {
    const packages = publicPackages();
    const artifacts = [
      'cavra-runtime.mjs',
      ...packages.map((p) => `${p.name.slice(1).replace('/', '-')}-${p.version}.tgz`),
    ].sort();
    const signed = [...artifacts, 'checksums.txt', 'release-evidence.json', 'sbom.spdx.json'];
    expect(readdirSync(release).sort()).toEqual(
      [...signed, ...signed.map((n) => `${n}.sig.json`), 'signing-key.pub.pem'].sort(),
    );
    expect(packagerOutput).toContain('(verified, key ');
  });

  it('passes cavra-runtime release verify with the trusted key (source and built CLI)', async () => {
    expect(await verify(release, join(work, 'trusted.pub.pem'))).toMatchObject({ code: 0 });
    const built = spawnSync(
      process.execPath,
      [
        join(ROOT, 'packages/cli/dist/bin.cjs'),
        'release',
        'verify',
        release,
        '--public-key',
        join(work, 'trusted.pub.pem'),
      ],
      { encoding: 'utf8' },
    );
    expect(built.stderr).toBe('');
    expect(built.status).toBe(0);
    expect(built.stdout).toContain('release verify: OK');
    // The single-file CLI in the package can verify a release too (no node_modules needed).
    const bundled = spawnSync(
      process.execPath,
      [
        join(release, 'cavra-runtime.mjs'),
        'release',
        'verify',
        release,
        '--public-key',
        join(work, 'trusted.pub.pem'),
      ],
      { encoding: 'utf8', cwd: work },
    );
    expect(bundled.stderr).toBe('');
    expect(bundled.status).toBe(0);
  });

  it('passes sha256sum -c checksums.txt', () => {
    const result = spawnSync('sha256sum', ['-c', '--strict', 'checksums.txt'], {
      cwd: release,
      encoding: 'utf8',
    });
    expect(result.error).toBeUndefined();
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.trim().split('\n')).toHaveLength(publicPackages().length + 3);
  });

  it('ships a bundled CLI that runs alone with plain node', () => {
    const lonely = mkdtempSync(join(tmpdir(), 'cavra-lonely-'));
    try {
      copyFileSync(join(release, 'cavra-runtime.mjs'), join(lonely, 'cavra-runtime.mjs'));
      const env = { PATH: process.env.PATH ?? '' };
      const version = spawnSync(process.execPath, ['cavra-runtime.mjs', '--version'], {
        cwd: lonely,
        encoding: 'utf8',
        env,
      });
      expect(version.status, version.stderr).toBe(0);
      expect(version.stdout).toContain(publicPackages().find((p) => p.name === '@cavra/cli')?.version ?? '?');
      const decision = spawnSync(process.execPath, ['cavra-runtime.mjs'], {
        cwd: lonely,
        encoding: 'utf8',
        env,
        input: JSON.stringify({ action_type: 'execute_command', target: 'terraform apply -auto-approve' }),
      });
      expect(decision.status, decision.stderr).toBe(0);
      expect(JSON.parse(decision.stdout)).toMatchObject({
        decision: 'block',
        rule_id: 'commands.block',
        severity: 'critical',
      });
    } finally {
      rmSync(lonely, { recursive: true, force: true });
    }
  });

  it('builds the same tarballs and a byte-identical bundle on every run', () => {
    const artifacts = readdirSync(release).filter((n) => /\.(tgz|mjs)$/.test(n));
    // pnpm may order a package.json's rewritten workspace dependencies differently between packs,
    // so tarballs are compared by contents (package.json as JSON); the bundle byte for byte.
    const differing = artifacts
      .filter((name) => name.endsWith('.tgz'))
      .map((name) => [name, tarballDifferences(join(release, name), join(ephemeral, name))] as const)
      .filter(([, files]) => files.length > 0);
    expect(differing).toEqual([]);
    expect(
      readFileSync(join(ephemeral, 'cavra-runtime.mjs')).equals(
        readFileSync(join(release, 'cavra-runtime.mjs')),
      ),
    ).toBe(true);
  });
});

describe('the SBOM', () => {
  it('lists every runtime dependency at its locked version, with purl, licence and the lockfile integrity', () => {
    const sbom = readJson<SpdxDocument>(join(release, 'sbom.spdx.json'));
    const lock = parse(readFileSync(join(ROOT, 'pnpm-lock.yaml'), 'utf8')) as {
      importers: Record<string, { dependencies?: Record<string, { version: string }> }>;
      packages: Record<string, { resolution: { integrity: string } }>;
    };
    expect(sbom).toMatchObject({
      spdxVersion: 'SPDX-2.3',
      dataLicense: 'CC0-1.0',
      SPDXID: 'SPDXRef-DOCUMENT',
    });
    const direct = Object.entries(lock.importers)
      .filter(([importer]) => importer.startsWith('packages/'))
      .flatMap(([, importer]) => Object.entries(importer.dependencies ?? {}))
      .filter(([, dep]) => !dep.version.startsWith('link:'));
    expect(direct.length).toBeGreaterThan(0);
    for (const [name, dep] of direct) {
      const pkg = sbom.packages.find((p) => p.name === name);
      expect(pkg, name).toBeDefined();
      expect(pkg?.versionInfo).toBe(dep.version);
      expect(pkg?.externalRefs?.[0]?.referenceLocator).toBe(`pkg:npm/${name}@${dep.version}`);
      expect(pkg?.licenseDeclared).toMatch(/^[A-Za-z0-9.-]+/);
      const sri = lock.packages[`${name}@${dep.version}`]?.resolution.integrity ?? '';
      expect(pkg?.checksums).toEqual([
        { algorithm: 'SHA512', checksumValue: Buffer.from(sri.slice(7), 'base64').toString('hex') },
      ]);
    }
    expect(sbom.packages.find((p) => p.name === 'yaml')?.licenseDeclared).toBe('ISC');
    expect(sbom.packages.find((p) => p.name === 'zod')?.licenseDeclared).toBe('MIT');
  });

  it('names the artifacts with their SHA-256 and relates them with DESCRIBES, CONTAINS and DEPENDS_ON', () => {
    const sbom = readJson<SpdxDocument>(join(release, 'sbom.spdx.json'));
    const checksums = Object.fromEntries(
      readFileSync(join(release, 'checksums.txt'), 'utf8')
        .trim()
        .split('\n')
        .map((line) => [line.slice(66), line.slice(0, 64)]),
    );
    const files = sbom.packages.filter((p) => p.packageFileName !== undefined);
    expect(files.map((p) => p.packageFileName).sort()).toEqual(
      readdirSync(release)
        .filter((n) => /\.(tgz|mjs)$/.test(n))
        .sort(),
    );
    for (const p of files)
      expect(p.checksums?.[0]).toEqual({
        algorithm: 'SHA256',
        checksumValue: checksums[p.packageFileName ?? ''],
      });
    const id = (name: string): string =>
      sbom.packages.find((p) => p.name === name)?.SPDXID ?? `missing ${name}`;
    const has = (from: string, type: string, to: string): boolean =>
      sbom.relationships.some(
        (r) => r.spdxElementId === from && r.relationshipType === type && r.relatedSpdxElement === to,
      );
    expect(has('SPDXRef-DOCUMENT', 'DESCRIBES', id('cavra-runtime'))).toBe(true);
    for (const name of ['@cavra/cli', '@cavra/policy-model', 'zod', 'yaml'])
      expect(has(id('cavra-runtime'), 'CONTAINS', id(name)), name).toBe(true);
    expect(has(id('@cavra/policy-model'), 'DEPENDS_ON', id('zod'))).toBe(true);
    // @cavra/cli's own build inlines its dependencies into dist/cavra-runtime.cjs; the SBOM says so.
    if (existsSync(join(ROOT, 'packages/cli/dist/cavra-runtime.cjs'))) {
      expect(has(id('@cavra/cli'), 'CONTAINS', id('zod'))).toBe(true);
    }
    expect(has(id('@cavra/cli'), 'DEPENDS_ON', id('@cavra/evaluator'))).toBe(true);
  });
});

describe('the release evidence', () => {
  it('records versions, commit, build, key, artifacts, tests and parity', () => {
    const evidence = readJson<ReleaseEvidence>(join(release, 'release-evidence.json'));
    expect(evidence.version).toBe(publicPackages().find((p) => p.name === '@cavra/cli')?.version);
    expect(evidence.packages.map((p) => p.name).sort()).toEqual(
      publicPackages()
        .map((p) => p.name)
        .sort(),
    );
    expect(evidence.git.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(evidence.build.node).toBe(process.version);
    expect(evidence.signing).toMatchObject({ algorithm: 'Ed25519', key_source: 'file', ephemeral: false });
    expect(evidence.tests).toMatchObject({ status: 'passed', total: 7, failed: 0 });
    expect(evidence.parity).toMatchObject({ status: 'passed', summary: { mode: 'recorded', mismatches: 0 } });
    expect(evidence.artifacts.map((a) => a.name)).toEqual(
      readdirSync(release)
        .filter((n) => /\.(tgz|mjs)$/.test(n))
        .sort(),
    );
  });

  it('says "not run" and "ephemeral" when there is no report and no key', () => {
    const evidence = readJson<ReleaseEvidence>(join(ephemeral, 'release-evidence.json'));
    expect(evidence.tests.status).toBe('not run');
    expect(evidence.parity.status).toBe('not run');
    expect(evidence.signing).toMatchObject({ key_source: 'ephemeral', ephemeral: true });
    expect(evidence.signing.note).toContain('ephemeral key');
  });

  it('uses CAVRA_RELEASE_SIGNING_KEY when set', async () => {
    expect(readJson<ReleaseEvidence>(join(fromEnv, 'release-evidence.json')).signing.key_source).toBe('env');
    expect((await verify(fromEnv, join(work, 'env.pub.pem'))).code).toBe(0);
    expect((await verify(fromEnv, join(work, 'trusted.pub.pem'))).code).toBe(3);
  });
});

describe('cavra-runtime release verify catches tampering with a real release package', () => {
  const tamper = async (
    change: (dir: string) => void,
    publicKey = 'trusted.pub.pem',
  ): Promise<{ code: number; out: string }> => {
    const dir = mkdtempSync(join(work, 'tampered-'));
    cpSync(release, dir, { recursive: true });
    change(dir);
    return verify(dir, join(work, publicKey));
  };
  const tgz = (dir: string): string =>
    readdirSync(dir).find((n) => n.startsWith('cavra-policy-model-') && n.endsWith('.tgz')) ?? '';

  it('a flipped byte', async () => {
    const result = await tamper((dir) => {
      const path = join(dir, tgz(dir));
      const bytes = readFileSync(path);
      bytes[bytes.length >> 1] = (bytes[bytes.length >> 1] ?? 0) ^ 0x01;
      writeFileSync(path, bytes);
    });
    expect(result.code).toBe(3);
    expect(result.out).toMatch(/cavra-policy-model-.*\.tgz: \[checksum_mismatch\]/);
  });

  it('an altered signature', async () => {
    const result = await tamper((dir) => {
      const path = join(dir, 'cavra-runtime.mjs.sig.json');
      const sig = readJson<{ signature: string }>(path);
      writeFileSync(
        path,
        JSON.stringify({
          ...sig,
          signature: `${sig.signature[0] === 'A' ? 'B' : 'A'}${sig.signature.slice(1)}`,
        }),
      );
    });
    expect(result.code).toBe(3);
    expect(result.out).toContain('cavra-runtime.mjs: [signature_bad]');
  });

  it('a missing signature', async () => {
    const result = await tamper((dir) => unlinkSync(join(dir, 'release-evidence.json.sig.json')));
    expect(result.code).toBe(3);
    expect(result.out).toContain('release-evidence.json: [signature_missing]');
  });

  it('a wrong key', async () => {
    const result = await tamper(() => undefined, 'env.pub.pem');
    expect(result.code).toBe(3);
    expect(result.out).toContain('[signature_wrong_key]');
  });

  it('an edited checksums.txt', async () => {
    const result = await tamper((dir) => {
      const path = join(dir, 'checksums.txt');
      writeFileSync(
        path,
        readFileSync(path, 'utf8').replace(/^./, (c) => (c === 'f' ? 'e' : 'f')),
      );
    });
    expect(result.code).toBe(3);
    expect(result.out).toContain('checksums.txt: [signature_digest_mismatch]');
  });

  it('an extra artifact', async () => {
    const result = await tamper((dir) => writeFileSync(join(dir, 'cavra-extra-1.0.0.tgz'), 'extra'));
    expect(result.code).toBe(3);
    expect(result.out).toContain('cavra-extra-1.0.0.tgz: [unlisted_file]');
  });

  it('a missing artifact', async () => {
    const result = await tamper((dir) => unlinkSync(join(dir, 'cavra-runtime.mjs')));
    expect(result.code).toBe(3);
    expect(result.out).toContain('cavra-runtime.mjs: [file_missing]');
  });

  it('a subdirectory smuggled into the release', async () => {
    const result = await tamper((dir) => mkdirSync(join(dir, 'extra')));
    expect(result.code).toBe(3);
    expect(result.out).toContain('extra: [unexpected_entry]');
  });
});
