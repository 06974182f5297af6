import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTrustRegistryFile, readTrustRegistryDocument } from '@cavra/registry/node';

const dir = mkdtempSync(join(tmpdir(), 'cavra-registry-'));
const file = (name: string, content: string | Uint8Array): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const failure = (fn: () => unknown): { code?: string; python?: string } => {
  try {
    fn();
  } catch (error) {
    return error as { code?: string; python?: string };
  }
  throw new Error('expected a failure');
};

describe('readTrustRegistryDocument (Python: json.loads(read_text(encoding="utf-8")))', () => {
  it('loads a registry file', () => {
    const registry = loadTrustRegistryFile(
      file('ok.json', '{"mcp_servers": [{"server_id": "s", "trust_tier": "trusted"}]}'),
    );
    expect(registry.lookup('s')?.approval_state).toBe('approved');
  });

  it("an invalid UTF-8 byte is registry_invalid with Python's line (it used to load as U+FFFD)", () => {
    const path = file(
      'latin1.json',
      Uint8Array.from([...Buffer.from('{"mcp_servers": [{"name": "Caf'), 0xc9, ...Buffer.from('"}]}')]),
    );
    expect(failure(() => readTrustRegistryDocument(path))).toMatchObject({
      code: 'registry_invalid',
      python:
        "UnicodeDecodeError: 'utf-8' codec can't decode byte 0xc9 in position 30: invalid continuation byte",
    });
  });

  it('a BOM is refused as json.loads refuses it', () => {
    expect(failure(() => readTrustRegistryDocument(file('bom.json', '\uFEFF{}')))).toMatchObject({
      code: 'registry_invalid',
      python: 'JSONDecodeError: Unexpected UTF-8 BOM (decode using utf-8-sig): line 1 column 1 (char 0)',
    });
  });

  it('a FIFO or /dev/zero is registry_unreadable at once', () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    expect(failure(() => readTrustRegistryDocument(fifo))).toMatchObject({ code: 'registry_unreadable' });
    expect(failure(() => readTrustRegistryDocument('/dev/zero'))).toMatchObject({
      code: 'registry_unreadable',
    });
  });

  it("a missing file gives Python's FileNotFoundError line", () => {
    const path = join(dir, 'nope.json');
    expect(failure(() => readTrustRegistryDocument(path))).toMatchObject({
      code: 'registry_unreadable',
      python: `FileNotFoundError: [Errno 2] No such file or directory: '${path}'`,
    });
  });

  it('nesting 3000 deep is registry_invalid (RecursionError), not a stack overflow', () => {
    const path = file('deep.json', `{"mcp_servers": ${'['.repeat(3000)}${']'.repeat(3000)}}`);
    expect(failure(() => readTrustRegistryDocument(path))).toMatchObject({
      code: 'registry_invalid',
      python:
        'RecursionError: maximum recursion depth exceeded while decoding a JSON array from a unicode string',
    });
  });
});
