import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRoutingRules } from '../../src/node/load-routing-rules.js';

const dir = mkdtempSync(join(tmpdir(), 'cavra-routing-'));
writeFileSync(join(dir, 'rules.json'), '[{"approver_group": "A"}]');

const pythonErrorOf = (path: string): string | undefined => {
  try {
    loadRoutingRules(path, { cwd: dir });
    return undefined;
  } catch (error) {
    return (error as { python?: string }).python;
  }
};

describe('loadRoutingRules', () => {
  it('gives the defaults without a path, and a file\'s rules relative to cwd', () => {
    expect(loadRoutingRules(undefined)).toHaveLength(5);
    expect(loadRoutingRules('rules.json', { cwd: dir })[0]?.get('approver_group')).toBe('A');
  });
  it('quotes the path as Python prints it', () => {
    expect(pythonErrorOf('x//nope.json')).toBe('FileNotFoundError: approval routing file not found: x/nope.json');
    expect(pythonErrorOf('./a/../b')).toBe('FileNotFoundError: approval routing file not found: a/../b');
    expect(pythonErrorOf('')).toBe("IsADirectoryError: [Errno 21] Is a directory: '.'");
    expect(pythonErrorOf('.')).toBe("IsADirectoryError: [Errno 21] Is a directory: '.'");
  });
  it('refuses a device without reading it', () => {
    expect(() => loadRoutingRules('/dev/zero')).toThrow(expect.objectContaining({ code: 'routing_file_unreadable' }));
  });
});
