import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pathViews } from '../../src/index.js';
import { canonicalPath } from '../../src/node/index.js';

const root = realpathSync(mkdtempSync(join(tmpdir(), 'cavra-canonical-')));
afterAll(() => rmSync(root, { recursive: true, force: true }));

mkdirSync(join(root, 'project/src'), { recursive: true });
writeFileSync(join(root, 'project/.env'), 'X=1');
symlinkSync(join(root, 'project/.env'), join(root, 'project/harmless.txt'));
symlinkSync(join(root, 'project/src'), join(root, 'project/code'));
symlinkSync('/etc', join(root, 'project/etc-link'));
symlinkSync(join(root, 'project'), join(root, 'project-link'));

describe('canonicalPath (real file system)', () => {
  it('resolves a symlinked file', () => {
    expect(canonicalPath(join(root, 'project/harmless.txt'))).toBe(join(root, 'project/.env'));
  });

  it('resolves the existing prefix and appends what does not exist yet', () => {
    expect(canonicalPath(join(root, 'project/code/new/file.ts'))).toBe(join(root, 'project/src/new/file.ts'));
  });

  it('applies .. after resolving the link before it, as the file system does', () => {
    // etc-link -> /etc, so etc-link/../hosts is /hosts; lexically it would be project/hosts.
    expect(canonicalPath(`${root}/project/etc-link/../hosts`)).toBe('/hosts');
    expect(canonicalPath(`${root}/project/code/../.env`)).toBe(join(root, 'project/.env'));
  });

  it('collapses .. in the part that does not exist', () => {
    expect(canonicalPath(`${root}/project/missing/../.env`)).toBe(join(root, 'project/.env'));
  });
});

describe('pathViews with the real resolver', () => {
  it('sees a symlink to a blocked file as that file, relative to the real project root', () => {
    const views = pathViews(join(root, 'project-link/harmless.txt'), {
      projectRoot: join(root, 'project-link'),
      cwd: join(root, 'project-link'),
      realpath: canonicalPath,
    });
    expect(views).toEqual(['harmless.txt', '.env']);
  });

  it('keeps a link that leaves the project absolute', () => {
    const views = pathViews('etc-link/passwd', { projectRoot: join(root, 'project'), cwd: join(root, 'project'), realpath: canonicalPath });
    expect(views).toEqual(['etc-link/passwd', '/etc/passwd']);
  });
});
