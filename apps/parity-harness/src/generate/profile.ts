import { isPyDict, isPyList, pyStr, pyTruthy, type PyDict, type PyValue } from '@cavra/policy-model';

/** What generation needs from a pack's compiled policy (docs/python-compatibility.md, "Decisions"). */
export interface PackProfile {
  id: string;
  blockRead: string[];
  blockWrite: string[];
  approvalWrite: string[];
  commandBlock: string[];
  commandAllow: string[];
  allowedServers: string[];
  blockedServers: string[];
  blockUnknown: boolean;
}

const section = (policy: PyValue, key: string): PyDict | undefined => {
  const value = isPyDict(policy) ? policy.get(key) : undefined;
  return isPyDict(value) ? value : undefined;
};

const patterns = (dict: PyDict | undefined, key: string): string[] => {
  const value = dict?.get(key);
  return isPyList(value) ? value.filter((item) => item !== null).map((item) => pyStr(item)) : [];
};

export function packProfile(id: string, policy: PyValue): PackProfile {
  const fs = section(policy, 'filesystem');
  const commands = section(policy, 'commands');
  const mcp = section(policy, 'mcp');
  return {
    id,
    blockRead: patterns(fs, 'block_read'),
    blockWrite: patterns(fs, 'block_write'),
    approvalWrite: patterns(fs, 'require_approval_write'),
    commandBlock: patterns(commands, 'block'),
    commandAllow: patterns(commands, 'allow'),
    allowedServers: patterns(mcp, 'allowed_servers'),
    blockedServers: patterns(mcp, 'blocked_servers'),
    blockUnknown: mcp?.has('block_unknown_servers') ? pyTruthy(mcp.get('block_unknown_servers')) : true,
  };
}

export const REGISTRY_RULES = [
  'mcp.registry.unknown',
  'mcp.registry.blocked',
  'mcp.registry.requires_approval',
  'mcp.registry.tool_scope',
  'mcp.registry.capability_scope',
  'mcp.registry.allow',
] as const;

export const UNKNOWN_ACTION_RULE = 'runtime.default.require_approval';

/**
 * Rule ids a generated case can reach under this pack. A reachable rule that no case hit is
 * flagged in the report: it means the generators miss part of the pack.
 */
export function reachableRules(profile: PackProfile): string[] {
  const rules = [
    'filesystem.read.allow',
    'filesystem.write.allow',
    'commands.default.require_approval',
    'git.allow',
  ];
  rules.push('git.protected_branch.block_direct_push');
  if (profile.blockRead.length) rules.push('filesystem.read.block');
  if (profile.blockWrite.length) rules.push('filesystem.write.block');
  if (profile.approvalWrite.length) rules.push('filesystem.write.require_approval');
  if (profile.commandBlock.length) rules.push('commands.block');
  if (profile.commandAllow.length) rules.push('commands.allow');
  if (profile.blockedServers.length || profile.blockUnknown) rules.push('mcp.server.trust.block_unknown');
  if (!profile.blockUnknown || profile.allowedServers.some((s) => !profile.blockedServers.includes(s))) {
    rules.push('mcp.server.trust.allow');
  }
  rules.push(...REGISTRY_RULES);
  return rules.sort();
}
