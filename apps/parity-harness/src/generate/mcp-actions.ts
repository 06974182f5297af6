import fc from 'fast-check';
import { absentOr, type Action } from './building-blocks.js';
import type { PackProfile } from './profile.js';
import { CAPABILITIES, TOOLS, registryArb, serverPool } from './trust-registry.js';

export function mcpAction(profile: PackProfile): fc.Arbitrary<Action> {
  const servers = serverPool(profile);
  return fc
    .record({
      server: fc.constantFrom(...servers),
      tool: fc.constantFrom(...TOOLS),
      capability: absentOr(fc.constantFrom(...CAPABILITIES), 1),
      registry: absentOr(registryArb(servers), 1),
      // Most registry cases name a registered server (by id or by name), else lookups mostly miss.
      pick: fc.oneof(
        { withCrossShrink: true },
        { weight: 1, arbitrary: fc.constant(-1) },
        { weight: 6, arbitrary: fc.nat(31) },
      ),
      // Often take the tool / capability from the record's own scope, so the later checks
      // (tool scope passed, capability in or out of scope) are reached, not just tool_scope.
      scopePick: fc.nat(7),
    })
    .map(({ server: drawn, tool: drawnTool, capability: drawnCapability, registry, pick, scopePick }) => {
      const records = Array.isArray(registry?.mcp_servers)
        ? (registry.mcp_servers as Record<string, unknown>[])
        : [];
      const record = pick >= 0 ? records[pick % Math.max(records.length, 1)] : undefined;
      const alias = record && pick % 2 === 1 && typeof record.name === 'string' ? record.name : undefined;
      const id = record ? (record.server_id ?? record.id ?? record.name) : undefined;
      const server = alias ?? (typeof id === 'string' ? id : drawn);
      const fromScope = (scope: unknown, fallback: string | undefined): string | undefined => {
        const items =
          typeof scope === 'string'
            ? [scope]
            : Array.isArray(scope)
              ? scope.filter((x) => typeof x === 'string')
              : [];
        return items.length ? items[scopePick % items.length] : fallback;
      };
      // scopePick 0-5: a tool in the record's scope; 0/2/4: a capability in scope, 5: one outside it.
      const tool = scopePick < 6 ? (fromScope(record?.allowed_tools, drawnTool) ?? drawnTool) : drawnTool;
      const capability =
        scopePick === 5 && record
          ? 'unscoped-capability'
          : scopePick % 2 === 0 && scopePick < 6
            ? fromScope(record?.capabilities, drawnCapability)
            : drawnCapability;
      const request: Record<string, string> = { action_type: 'mcp_tool_call', server, tool };
      if (capability !== undefined) request.capability = capability;
      return registry === undefined ? { request } : { request, registry };
    });
}
