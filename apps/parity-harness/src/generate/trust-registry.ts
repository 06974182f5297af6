import fc from 'fast-check';
import { absentOr } from './building-blocks.js';
import type { PackProfile } from './profile.js';

// Trust registries over every tier × state, with and without scopes, id/name aliases and rare
// invalid values; and the tool/capability/server pools MCP calls draw from.

export const TOOLS = [
  'read_file',
  'write_file',
  'create_pull_request',
  'delete_repository',
  'search',
  'x',
  '',
  'None',
  'True',
  '1',
  'tööl',
];
export const CAPABILITIES = ['', 'filesystem', 'repository', 'network', 'shell', 'read', 'repo'];
const GENERIC_SERVERS = [
  'github',
  'filesystem',
  'github-enterprise',
  'unknown-mcp-provider',
  'None',
  '',
  'GitHub',
  'github ',
  'ünï-😀',
  'dup',
];
const TIERS = ['approved', 'blocked', 'experimental', 'trusted', 'unknown'];
// Approved/trusted records are the only ones that reach the scope checks: draw them more often.
const TIER_DRAW = [...TIERS, 'approved', 'trusted', 'approved', 'trusted'];
const STATES = ['approved', 'denied', 'not_required', 'pending'];

export function serverPool(profile: PackProfile): string[] {
  return [...new Set([...profile.allowedServers, ...profile.blockedServers, ...GENERIC_SERVERS])];
}

/** One registry record over every tier × state, with and without scopes, id/name aliases. */
function registryRecord(servers: readonly string[]): fc.Arbitrary<Record<string, unknown>> {
  const stringOrList = fc.oneof(
    fc.constantFrom(...CAPABILITIES, ...TOOLS),
    fc.array(fc.constantFrom(...CAPABILITIES, ...TOOLS), { maxLength: 3 }),
  );
  return fc
    .record({
      idField: fc.constantFrom('server_id', 'server_id', 'id', 'name'),
      id: fc.constantFrom(...servers.filter(Boolean)),
      name: absentOr(fc.constantFrom(...servers), 3),
      // Invalid values are rare: one makes the whole registry fail.
      tier: absentOr(
        fc.oneof(
          { weight: 60, arbitrary: fc.constantFrom(...TIER_DRAW) },
          { weight: 1, arbitrary: fc.constant('Approved') },
        ),
        1,
        5,
      ),
      state: absentOr(
        fc.oneof(
          { weight: 60, arbitrary: fc.constantFrom(...STATES) },
          { weight: 1, arbitrary: fc.constant('rejected') },
        ),
        2,
      ),
      capabilities: absentOr(stringOrList, 2),
      tools: absentOr(stringOrList, 2),
    })
    .map(({ idField, id, name, tier, state, capabilities, tools }) => {
      const record: Record<string, unknown> = { [idField]: id };
      if (name !== undefined && idField !== 'name') record.name = name;
      if (tier !== undefined) record.trust_tier = tier;
      if (state !== undefined) record.approval_state = state;
      if (capabilities !== undefined) record.capabilities = capabilities;
      if (tools !== undefined) record.allowed_tools = tools;
      return record;
    });
}

export function registryArb(servers: readonly string[]): fc.Arbitrary<Record<string, unknown>> {
  return fc.oneof(
    {
      weight: 12,
      arbitrary: fc
        .array(registryRecord(servers), { minLength: 1, maxLength: 5 })
        .map((records) => ({ mcp_servers: records })),
    },
    { weight: 1, arbitrary: fc.constant({ mcp_servers: [] }) },
    { weight: 1, arbitrary: fc.constant({ agents: [] }) },
    { weight: 1, arbitrary: fc.constant({}) },
  );
}
