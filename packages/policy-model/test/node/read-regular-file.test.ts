import { execFileSync } from 'node:child_process';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRegularFile } from '@cavra/policy-model/node';

const dir = mkdtempSync(join(tmpdir(), 'cavra-read-'));
const reasonOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    return (error as { reason?: string }).reason;
  }
  return undefined;
};

describe('readRegularFile', () => {
  it('reads a regular file whole', () => {
    const path = join(dir, 'a.txt');
    writeFileSync(path, 'x'.repeat(10_000));
    expect(readRegularFile(path).length).toBe(10_000);
  });

  it('refuses a file over the bound', () => {
    const path = join(dir, 'big.txt');
    writeFileSync(path, 'x'.repeat(101));
    expect(reasonOf(() => readRegularFile(path, 100))).toBe('too_large');
    expect(readRegularFile(path, 101).length).toBe(101);
  });

  it('refuses /dev/zero and a symlink to it without reading', () => {
    expect(reasonOf(() => readRegularFile('/dev/zero'))).toBe('not_regular');
    const link = join(dir, 'zero-link');
    symlinkSync('/dev/zero', link);
    expect(reasonOf(() => readRegularFile(link))).toBe('not_regular');
  });

  it('refuses a FIFO without blocking', () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    expect(reasonOf(() => readRegularFile(fifo))).toBe('not_regular');
  });

  it('names missing files and directories', () => {
    expect(reasonOf(() => readRegularFile(join(dir, 'missing')))).toBe('not_found');
    expect(reasonOf(() => readRegularFile(dir))).toBe('is_directory');
  });
});
