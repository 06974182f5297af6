import { describe, expect, it } from 'vitest';
import { PyDate, type PyValue } from '@cavra/policy-model';
import { preparePolicy } from '../src/prepared-policy.js';

const dict = (entries: Record<string, PyValue>): Map<PyValue, PyValue> => new Map(Object.entries(entries));

describe('preparePolicy', () => {
  it.each([
    ['filesystem', null, "AttributeError: 'NoneType' object has no attribute 'get'"],
    ['commands', ['x'], "AttributeError: 'list' object has no attribute 'get'"],
    ['filesystem', 'x', "AttributeError: 'str' object has no attribute 'get'"],
  ])('fails when %s is %j, for every action', (section, value, python) => {
    expect(() => preparePolicy(dict({ [section]: value }))).toThrowError(expect.objectContaining({ code: 'policy_invalid', python }) as Error);
  });

  it('ignores non-list pattern values, drops null items and str()s the rest', () => {
    const policy = preparePolicy(
      dict({ filesystem: dict({ block_read: [null, true, 1.0, 7n, new PyDate(2024, 1, 1), 'x'], block_write: 'x' }) }),
    );
    expect(policy.blockRead.patterns).toEqual(['True', '1.0', '7', '2024-01-01', 'x']);
    expect(policy.blockWrite.patterns).toEqual([]);
  });

  it('reads MCP lists as Python iterates them: characters of a string, keys of a mapping', () => {
    const mcp = preparePolicy(dict({ mcp: dict({ allowed_servers: 'github', blocked_servers: dict({ bad: 1n }) }) })).mcp;
    expect(mcp).toMatchObject({ ok: true, blockUnknown: true });
    if (!mcp.ok) throw new Error('unreachable');
    expect([...mcp.allowed].sort()).toEqual(['b', 'g', 'h', 'i', 't', 'u']);
    expect([...mcp.blocked]).toEqual(['bad']);
  });

  it.each([
    [undefined, true],
    [false, false],
    [null, false],
    [0n, false],
    ['', false],
    ['false', true],
  ])('block_unknown_servers %s blocks unknown servers: %s', (value, expected) => {
    const mcp = preparePolicy(dict({ mcp: value === undefined ? dict({}) : dict({ block_unknown_servers: value }) })).mcp;
    expect(mcp).toMatchObject({ ok: true, blockUnknown: expected });
  });

  it('keeps an unusable mcp section as an error for non-registry MCP calls only', () => {
    expect(preparePolicy(dict({ mcp: ['x'] })).mcp).toMatchObject({
      ok: false,
      error: { python: "AttributeError: 'list' object has no attribute 'get'" },
    });
    expect(preparePolicy(dict({ mcp: dict({ allowed_servers: 5n }) })).mcp).toMatchObject({
      ok: false,
      error: { python: "TypeError: 'int' object is not iterable" },
    });
  });

  it('never lets a non-string item admit a string server', () => {
    const mcp = preparePolicy(dict({ mcp: dict({ allowed_servers: [1n] }) })).mcp;
    expect(mcp.ok && mcp.allowed.has('1')).toBe(false);
  });
});
