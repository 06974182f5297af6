// Unit tests of the release tooling that need no build: lockfile graph, SBOM rules, build guard.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLockfile, runtimeGraph, splitKey } from '../releasing/lockfile.js';
import { buildSbom, npmPurl, spdxLicense } from '../releasing/sbom.js';
import { ROOT, publicPackages, requireBuilt, type PublicPackage } from '../releasing/workspace.js';

const lock = readLockfile(join(ROOT, 'pnpm-lock.yaml'));
const packages = publicPackages();
const graph = runtimeGraph(
  lock,
  packages.map((p) => p.importer),
);

describe('runtimeGraph (pnpm-lock.yaml)', () => {
  it('closes over the runtime dependencies of the public packages at their locked versions, without dev dependencies', () => {
    const names = [...graph.packages.values()].map((p) => `${p.name}@${p.version}`);
    const policyModel = lock.importers?.['packages/policy-model']?.dependencies ?? {};
    for (const [name, dep] of Object.entries(policyModel)) {
      if (!dep.version?.startsWith('link:')) expect(names).toContain(`${name}@${dep.version}`);
    }
    for (const dev of ['vitest', 'typescript', 'tsup', 'esbuild', 'eslint']) {
      expect(
        names.some((n) => n.startsWith(`${dev}@`)),
        dev,
      ).toBe(false);
    }
    expect(graph.importers.get('packages/cli')?.workspace).toEqual(
      expect.arrayContaining([
        'packages/policy-model',
        'packages/evaluator',
        'packages/registry',
        'packages/evidence',
      ]),
    );
    for (const pkg of graph.packages.values()) expect(pkg.integrity, pkg.key).toMatch(/^sha512-/);
  });

  it('splits scoped and peer-suffixed keys', () => {
    expect(splitKey('@scope/name@1.2.3(peer@4.0.0)')).toEqual({ name: '@scope/name', version: '1.2.3' });
    expect(splitKey('zod@4.6.7')).toEqual({ name: 'zod', version: '4.6.7' });
    expect(() => splitKey('nonsense')).toThrow(/cannot read package key/);
  });

  it('fails on an importer the lockfile does not know', () => {
    expect(() => runtimeGraph(lock, ['packages/nope'])).toThrow(/no importer packages\/nope/);
  });
});

describe('SBOM rules', () => {
  it('writes purls with an encoded scope', () => {
    expect(npmPurl('@cavra/cli', '0.1.0')).toBe('pkg:npm/%40cavra/cli@0.1.0');
    expect(npmPurl('zod', '4.6.7')).toBe('pkg:npm/zod@4.6.7');
  });

  it('keeps SPDX licence expressions and refuses the rest', () => {
    expect(spdxLicense({ license: 'MIT' })).toBe('MIT');
    expect(spdxLicense({ license: '(MIT OR Apache-2.0)' })).toBe('(MIT OR Apache-2.0)');
    expect(spdxLicense({ license: 'SEE LICENSE IN LICENSE.md' })).toBe('NOASSERTION');
    expect(spdxLicense({ licenses: [{ type: 'MIT' }, { type: 'BSD-3-Clause' }] })).toBe(
      '(MIT OR BSD-3-Clause)',
    );
    expect(spdxLicense({})).toBe('NOASSERTION');
  });

  const artifact = (name: string) => ({ name, sha256: 'a'.repeat(64), size: 1 });
  const cli = packages.find((p) => p.name === '@cavra/cli') as PublicPackage;
  const input = (contents: { name: string; version: string; workspace: boolean }[]) => ({
    cli,
    packages: packages.map((pkg) => ({
      pkg,
      artifact: artifact(`${pkg.name.slice(1).replace('/', '-')}-${pkg.version}.tgz`),
    })),
    bundle: { artifact: artifact('cavra-runtime.mjs'), contents: contents.map((c) => ({ ...c, bytes: 1 })) },
    graph,
    created: '2026-01-01T00:00:00Z',
    licenseOf: () => 'MIT',
  });

  it('refuses a bundle that contains code the lockfile does not account for', () => {
    expect(() => buildSbom(input([{ name: 'left-pad', version: '1.3.0', workspace: false }]))).toThrow(
      /left-pad@1\.3\.0, which is not a locked runtime dependency/,
    );
    expect(() => buildSbom(input([{ name: '@cavra/cli', version: '9.9.9', workspace: true }]))).toThrow(
      /not a released package version/,
    );
  });

  it('is deterministic for the same inputs', () => {
    const contents = [{ name: '@cavra/cli', version: cli.version, workspace: true }];
    expect(JSON.stringify(buildSbom(input(contents)).document)).toBe(
      JSON.stringify(buildSbom(input(contents)).document),
    );
  });
});

describe('requireBuilt', () => {
  it('fails with the missing files and the command to run, rather than letting a test skip', () => {
    const root = mkdtempSync(join(tmpdir(), 'cavra-unbuilt-'));
    try {
      mkdirSync(join(root, 'packages', 'demo'), { recursive: true });
      writeFileSync(
        join(root, 'packages', 'demo', 'package.json'),
        JSON.stringify({ name: '@cavra/demo', version: '1.0.0', bin: { demo: './dist/bin.cjs' } }),
      );
      expect(() => requireBuilt(publicPackages(root))).toThrow(
        'build output missing (run `pnpm build` first): packages/demo/dist/index.js, packages/demo/dist/index.d.ts, packages/demo/dist/bin.cjs',
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
