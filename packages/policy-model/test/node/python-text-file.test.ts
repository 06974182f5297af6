import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { directoryPackSource, loadPolicyJsonFile, readPythonTextFile } from '@cavra/policy-model/node';
import { loadPackPolicy } from '@cavra/policy-model';

const dir = mkdtempSync(join(tmpdir(), 'cavra-text-'));
const fifo = join(dir, 'fifo');
execFileSync('mkfifo', [fifo]);
const zeroLink = join(dir, 'zero');
symlinkSync('/dev/zero', zeroLink);
const file = (name: string, content: string | Uint8Array): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const METADATA = '{"metadata": {"id": "cavra-x", "title": "X", "description": "D", "version": "1"}}';

const failure = (fn: () => unknown): { code?: string; message?: string; python?: string } => {
  try {
    fn();
  } catch (error) {
    return error as { code?: string; message?: string; python?: string };
  }
  throw new Error('expected a failure');
};

describe('readPythonTextFile', () => {
  it('reads as Path.read_text does: universal newlines, BOM kept', () => {
    expect(readPythonTextFile(file('crlf.yaml', '\uFEFFa: 1\r\nb: 2\r'))).toBe('\uFEFFa: 1\nb: 2\n');
  });

  it.each([
    ['a FIFO', fifo],
    ['a symlink to /dev/zero', zeroLink],
    ['/dev/zero', '/dev/zero'],
  ])('refuses %s at once with the *_unreadable error', (_name, path) => {
    expect(failure(() => readPythonTextFile(path))).toMatchObject({ code: 'policy_unreadable' });
    expect(
      failure(() =>
        readPythonTextFile(path, {
          unreadable: 'registry_unreadable',
          undecodable: 'registry_invalid',
          what: 'trust registry',
        }),
      ),
    ).toMatchObject({ code: 'registry_unreadable' });
  });

  it("a missing file gives Python's FileNotFoundError line", () => {
    expect(failure(() => readPythonTextFile(join(dir, 'nope.yaml')))).toMatchObject({
      code: 'policy_unreadable',
      python: `FileNotFoundError: [Errno 2] No such file or directory: '${join(dir, 'nope.yaml')}'`,
    });
  });

  it("an invalid UTF-8 byte is refused with Python's UnicodeDecodeError line", () => {
    const path = file('latin1.yaml', Uint8Array.from([...Buffer.from('title: Caf'), 0xc9, 0x0a]));
    expect(failure(() => readPythonTextFile(path))).toMatchObject({
      code: 'policy_yaml',
      python:
        "UnicodeDecodeError: 'utf-8' codec can't decode byte 0xc9 in position 10: invalid continuation byte",
    });
  });
});

describe('policy files and packs through readPythonTextFile', () => {
  it('a BOM in policy JSON is refused as json.loads refuses it (it was accepted before)', () => {
    const path = file('bom.json', `\uFEFF${METADATA}`);
    expect(failure(() => loadPolicyJsonFile(path))).toMatchObject({
      code: 'policy_invalid',
      python: 'JSONDecodeError: Unexpected UTF-8 BOM (decode using utf-8-sig): line 1 column 1 (char 0)',
    });
  });

  it('--policy on a FIFO or /dev/zero is policy_unreadable', () => {
    expect(failure(() => loadPolicyJsonFile(fifo))).toMatchObject({ code: 'policy_unreadable' });
    expect(failure(() => loadPolicyJsonFile('/dev/zero'))).toMatchObject({ code: 'policy_unreadable' });
  });

  it("--policy nested 3000 deep is policy_invalid with Python's RecursionError, not a stack overflow", () => {
    const path = file(
      'deep.json',
      `{"metadata": {"id": "cavra-x", "title": "X", "description": "D", "version": "1"}, "x": ${'['.repeat(3000)}${']'.repeat(3000)}}`,
    );
    expect(failure(() => loadPolicyJsonFile(path))).toMatchObject({
      code: 'policy_invalid',
      python:
        'RecursionError: maximum recursion depth exceeded while decoding a JSON array from a unicode string',
    });
  });

  it.each([
    ['a FIFO', (folder: string) => execFileSync('mkfifo', [join(folder, 'policy.yaml')])],
    ['a symlink to /dev/zero', (folder: string) => symlinkSync('/dev/zero', join(folder, 'policy.yaml'))],
  ])('a pack whose policy.yaml is %s is refused (policy_unreadable), never read', (name, make) => {
    const root = mkdtempSync(join(dir, 'packs-'));
    mkdirSync(join(root, 'cavra-bad'));
    make(join(root, 'cavra-bad'));
    expect(
      failure(() => loadPackPolicy(directoryPackSource(root), 'cavra-bad')),
      name,
    ).toMatchObject({ code: 'policy_unreadable' });
  });

  it('a BOM in a pack is skipped, as PyYAML skips it', () => {
    const root = mkdtempSync(join(dir, 'packs-'));
    mkdirSync(join(root, 'cavra-bom'));
    writeFileSync(join(root, 'cavra-bom', 'policy.yaml'), '\uFEFFmetadata:\n  id: cavra-bom\n');
    const policy = loadPackPolicy(directoryPackSource(root), 'cavra-bom');
    expect([...policy.keys()]).toEqual(['metadata']);
  });
});
