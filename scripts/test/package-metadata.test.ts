import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPOSITORY_URL, expectedPackageMetadata, packageMetadataProblems } from '../releasing/package-metadata.js';
import { ROOT, publicPackages } from '../releasing/workspace.js';

describe('published package metadata', () => {
  it('every package under packages/ has repository (with directory), homepage, bugs and the repository licence', () => {
    expect(publicPackages().length).toBeGreaterThan(0);
    expect(packageMetadataProblems()).toEqual([]);
  });

  it('derives every field from the one repository URL', () => {
    expect(expectedPackageMetadata('packages/cli')).toEqual({
      license: 'BUSL-1.1',
      repository: { type: 'git', url: `git+${REPOSITORY_URL}.git`, directory: 'packages/cli' },
      homepage: `${REPOSITORY_URL}/tree/main/packages/cli#readme`,
      bugs: { url: `${REPOSITORY_URL}/issues` },
    });
  });

  it('catches a new package that lacks the fields, or has another licence', () => {
    const root = mkdtempSync(join(tmpdir(), 'cavra-metadata-'));
    cpSync(join(ROOT, 'LICENSE'), join(root, 'LICENSE'));
    cpSync(join(ROOT, 'package.json'), join(root, 'package.json'));
    cpSync(join(ROOT, 'packages', 'engine', 'package.json'), join(root, 'packages', 'engine', 'package.json'));
    cpSync(join(ROOT, 'packages', 'engine', 'package.json'), join(root, 'packages', 'hooks', 'package.json'));
    const hooks = join(root, 'packages', 'hooks', 'package.json');
    const manifest = JSON.parse(readFileSync(hooks, 'utf8')) as Record<string, unknown>;
    delete manifest.repository;
    writeFileSync(hooks, JSON.stringify({ ...manifest, name: '@cavra/hooks', license: 'MIT' }));
    const problems = packageMetadataProblems(publicPackages(root), root);
    expect(problems).toEqual([
      expect.stringMatching(/^packages\/hooks\/package.json: license must be "BUSL-1.1"/),
      expect.stringMatching(/^packages\/hooks\/package.json: repository must be/),
      expect.stringMatching(/^packages\/hooks\/package.json: homepage must be/),
    ]);
  });
});
