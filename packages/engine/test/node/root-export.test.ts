import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );

describe('@cavra/engine root export', () => {
  it('imports no worker_threads and nothing of src/node/ (the pool lives behind @cavra/engine/node)', () => {
    const root = files(SRC).filter((file) => !relative(SRC, file).startsWith('node/'));
    expect(root.length).toBeGreaterThan(5);
    for (const file of root) {
      const source = readFileSync(file, 'utf8');
      expect(source, relative(SRC, file)).not.toMatch(/from '(node:)?worker_threads'|from '\.\.?\/(\.\.\/)*node\//);
    }
  });
});
