import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fromPlainJson, parsePyJson, type PyValue } from '@cavra/policy-model';
import { decideWithRegistry } from '../src/registry-decision.js';
import { normalizeMcpServerRecord } from '../src/normalize-record.js';
import { buildTrustRegistry } from '../src/trust-registry.js';

const oracle = (path: string): PyValue =>
  parsePyJson(readFileSync(fileURLToPath(new URL(`../../../fixtures/oracle/${path}`, import.meta.url)), 'utf8'));
const shapes = buildTrustRegistry(oracle('registries/shapes.json'));
const registry = (servers: unknown[]) => buildTrustRegistry(fromPlainJson({ mcp_servers: servers }));
const rule = (r: ReturnType<typeof buildTrustRegistry>, server: string, tool = 'x', capability: string | null = null) =>
  decideWithRegistry(r, server, tool, capability).rule_id;

describe('registry decisions (docs/python-compatibility.md "Trust registry", shapes.json)', () => {
  it.each([
    ['tier-only-trusted', 'x', null, 'mcp.registry.allow'],
    ['tier-only-experimental', 'x', null, 'mcp.registry.requires_approval'],
    ['no-tier', 'x', null, 'mcp.registry.requires_approval'],
    ['by-id-field', 'x', null, 'mcp.registry.allow'],
    ['by-name-only', 'x', null, 'mcp.registry.allow'],
    ['alias-name', 'read_file', null, 'mcp.registry.allow'],
    ['alias-name', 'write_file', null, 'mcp.registry.tool_scope'],
    ['caps-string', 'x', 'repository', 'mcp.registry.allow'],
    ['caps-string', 'x', 'repo', 'mcp.registry.capability_scope'],
    ['caps-string', 'x', '', 'mcp.registry.allow'],
    ['dup', 'x', null, 'mcp.registry.blocked'],
    ['empty-lists', 'anything', 'anycap', 'mcp.registry.allow'],
    ['ünï-😀', 'tööl', null, 'mcp.registry.allow'],
    ['ünï-😀', 'tool', null, 'mcp.registry.tool_scope'],
    ['num-tools', '1', null, 'mcp.registry.allow'],
    ['num-tools', '2.5', null, 'mcp.registry.allow'],
    ['num-tools', 'True', null, 'mcp.registry.allow'],
    ['num-tools', 'true', null, 'mcp.registry.tool_scope'],
    ['num-tools', 'None', null, 'mcp.registry.tool_scope'],
    ['DUP', 'x', null, 'mcp.registry.unknown'],
    [' dup', 'x', null, 'mcp.registry.unknown'],
  ])('%s / %s / %s → %s', (server, tool, capability, expected) => {
    expect(rule(shapes, server, tool, capability)).toBe(expected);
  });

  it('re-registration moves a server to the end of the store (upsert), so lookup finds an earlier name alias first', () => {
    const ids = shapes.records.map((r) => r.server_id);
    expect(ids.indexOf('other')).toBeLessThan(ids.indexOf('dup'));
    expect(ids.filter((id) => id === 'dup')).toHaveLength(1);
    expect(shapes.lookup('dup')?.server_id).toBe('other');
  });

  it('walks the tier × state table', () => {
    const tiers = ['approved', 'blocked', 'experimental', 'trusted', 'unknown'];
    const states = ['approved', 'denied', 'not_required', 'pending'];
    for (const tier of tiers) {
      for (const state of states) {
        const r = registry([{ server_id: 's', trust_tier: tier, approval_state: state }]);
        const expected =
          tier === 'blocked' || state === 'denied'
            ? 'mcp.registry.blocked'
            : state === 'pending' || tier === 'unknown' || tier === 'experimental'
              ? 'mcp.registry.requires_approval'
              : 'mcp.registry.allow';
        expect(rule(r, 's'), `${tier}/${state}`).toBe(expected);
      }
    }
  });

  it('gives every outcome its severity, approver group and reason', () => {
    expect(decideWithRegistry(registry([]), 'x', 't', null)).toEqual({
      decision: 'block',
      rule_id: 'mcp.registry.unknown',
      severity: 'high',
      approver_group: null,
      reason: 'MCP server is not registered.',
    });
    expect(decideWithRegistry(registry([{ server_id: 's', trust_tier: 'trusted', allowed_tools: ['a'] }]), 's', 'b', null)).toEqual({
      decision: 'require_approval',
      rule_id: 'mcp.registry.tool_scope',
      severity: 'medium',
      approver_group: 'AI Governance',
      reason: "MCP tool is outside the server's approved tool scope.",
    });
  });
});

describe('normalizeMcpServerRecord', () => {
  const normalize = (record: unknown) => normalizeMcpServerRecord(fromPlainJson(record));

  it('falls back from server_id to id to name, skipping falsy values, and str()s the id', () => {
    expect(normalize({ server_id: '', id: 0, name: 'n' }).server_id).toBe('n');
    expect(normalize({ server_id: 5 }).server_id).toBe('5');
    expect(normalize({ server_id: true }).server_id).toBe('True');
  });

  it('applies defaults as Python does', () => {
    expect(normalize({ server_id: 's' })).toMatchObject({ name: 's', trust_tier: 'unknown', approval_state: 'pending', capabilities: [], allowed_tools: [] });
    expect(normalize({ server_id: 's', trust_tier: 'blocked' }).approval_state).toBe('approved');
    expect(normalize({ server_id: 's', trust_tier: 'experimental' }).approval_state).toBe('pending');
    expect(normalize({ server_id: 's', name: null }).name).toBe('None');
  });

  it('treats string-or-list fields as Python does', () => {
    expect(normalize({ server_id: 's', capabilities: 'repo', allowed_tools: [1, 2.5, true, null] })).toMatchObject({
      capabilities: ['repo'],
      allowed_tools: ['1', '2.5', 'True'],
    });
    expect(normalizeMcpServerRecord(parsePyJson('{"server_id": "s", "allowed_tools": [1.0]}')).allowed_tools).toEqual(['1.0']);
  });

  it.each([
    [{}, 'ValueError: MCP server record must include server_id'],
    [{ server_id: 's', trust_tier: 'Approved' }, 'ValueError: MCP trust_tier must be one of: approved, blocked, experimental, trusted, unknown'],
    [{ server_id: 's', trust_tier: null }, 'ValueError: MCP trust_tier must be one of: approved, blocked, experimental, trusted, unknown'],
    [{ server_id: 's', approval_state: 'rejected' }, 'ValueError: MCP approval_state must be one of: approved, denied, not_required, pending'],
    [{ server_id: 's', capabilities: {} }, 'ValueError: expected a string or list of strings'],
    [{ server_id: 's', allowed_tools: 3 }, 'ValueError: expected a string or list of strings'],
    ['not-an-object', "AttributeError: 'str' object has no attribute 'get'"],
  ])('rejects %j', (record, python) => {
    expect(() => normalize(record)).toThrowError(expect.objectContaining({ code: 'registry_invalid', python }) as Error);
  });
});

describe('buildTrustRegistry', () => {
  it('reads only mcp_servers; absent means an empty registry', () => {
    expect(buildTrustRegistry(fromPlainJson({ agents: [] })).records).toEqual([]);
  });

  it.each([
    [{ mcp_servers: null }, "TypeError: 'NoneType' object is not iterable"],
    [{ mcp_servers: { a: 1 } }, "AttributeError: 'str' object has no attribute 'get'"],
    [[1], "AttributeError: 'list' object has no attribute 'get'"],
  ])('fails for %j', (document, python) => {
    expect(() => buildTrustRegistry(fromPlainJson(document))).toThrowError(expect.objectContaining({ python }) as Error);
  });
});
