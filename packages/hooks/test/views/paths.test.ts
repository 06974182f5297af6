import { describe, expect, it } from 'vitest';
import { pathViews, relativeToRoot } from '../../src/views/paths.js';

describe('relativeToRoot', () => {
  it('is relative inside the project and absolute outside', () => {
    expect(relativeToRoot('/p/src/a.ts', '/p')).toBe('src/a.ts');
    expect(relativeToRoot('/p', '/p')).toBe('.');
    expect(relativeToRoot('/etc/passwd', '/p')).toBe('/etc/passwd');
    expect(relativeToRoot('/pother/x', '/p')).toBe('/pother/x');
  });
});

describe('pathViews', () => {
  const context = { projectRoot: '/p', cwd: '/p' };

  it('gives an absolute path inside the project relative to the root', () => {
    expect(pathViews('/p/.env', context)).toEqual(['.env']);
  });

  it('keeps a relative path as given, and adds the collapsed one', () => {
    expect(pathViews('src/../.env', context)).toEqual(['src/../.env', '.env']);
    expect(pathViews('./.env', context)).toEqual(['./.env', '.env']);
  });

  it('resolves a relative path against the working directory', () => {
    expect(pathViews('../.env', { projectRoot: '/p', cwd: '/p/sub' })).toEqual(['../.env', '.env']);
  });

  it('keeps a path outside the project absolute', () => {
    expect(pathViews('/p/../etc/shadow', context)).toEqual(['/etc/shadow']);
  });

  it('adds the canonical real path through the resolver', () => {
    // A stand-in resolver: `/p/link` is a symlink to `/p/.env`.
    const realpath = (path: string): string => (path === '/p/link' ? '/p/.env' : path);
    expect(pathViews('/p/link', { ...context, realpath })).toEqual(['link', '.env']);
  });
});
