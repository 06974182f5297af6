import {
  CavraError,
  EVALUATED_POLICY_FIELDS as FIELDS,
  pyIterate,
  pyNoAttributeLine,
  pyNotIterableLine,
  pyQualifiedTypeName,
  pyStr,
  pyTruthy,
  type PyDict,
  type PyValue,
} from '@cavra/policy-model';
import { compilePatternList, type PatternList } from './python-compat/pattern-matching.js';

/** What the MCP policy check needs, or the error Python raises when the `mcp` section is unusable. */
export type McpRules =
  | { readonly ok: true; readonly allowed: ReadonlySet<string>; readonly blocked: ReadonlySet<string>; readonly blockUnknown: boolean }
  | { readonly ok: false; readonly error: CavraError };

/** A policy reduced to what decisions read: five pattern lists and the MCP rules. */
export interface PreparedPolicy {
  readonly blockRead: PatternList;
  readonly blockWrite: PatternList;
  readonly requireApprovalWrite: PatternList;
  readonly commandBlock: PatternList;
  readonly commandAllow: PatternList;
  readonly mcp: McpRules;
  /** `metadata.id` when it is a non-empty string: the label fallback on the compiled-policy route. */
  readonly metadataId: string | undefined;
}

const noAttributeGet = (value: PyValue, section: string): CavraError => {
  const type = pyQualifiedTypeName(value);
  return new CavraError('policy_invalid', `policy section '${section}' must be a mapping, not ${type}`, {
    python: pyNoAttributeLine(value, 'get'),
  });
};

/** A section: absent is an empty mapping; present but not a mapping fails (for every action, as in Python). */
function section(policy: PyDict, name: 'filesystem' | 'commands'): PyDict {
  const value = policy.get(name);
  if (value === undefined) return new Map();
  if (value instanceof Map) return value;
  throw noAttributeGet(value, name);
}

/** A pattern list: not a list is empty; `null` items are dropped; others are Python `str()`-ed. */
function patternList(sectionValue: PyDict, key: string): PatternList {
  const value = sectionValue.get(key);
  const items = Array.isArray(value) ? value.filter((item) => item !== null).map(pyStr) : [];
  return compilePatternList(items);
}

/**
 * Python iterates the `allowed_servers`/`blocked_servers` value: a list gives its items, a
 * string its characters, a mapping its keys; a number or `true` is not iterable. Membership is
 * Python equality, and the server is always a string, so only string items can ever match.
 */
function serverSet(value: PyValue | undefined): Set<string> {
  if (value === undefined || !pyTruthy(value)) return new Set();
  // Bytes iterate as ints, which never equal a string server.
  const items = pyIterate(value);
  if (items === undefined) {
    throw new CavraError('policy_invalid', `mcp server list must be a list of server ids, not ${pyQualifiedTypeName(value)}`, {
      python: pyNotIterableLine(value),
    });
  }
  const unhashable = items.find((item) => Array.isArray(item) || item instanceof Map);
  if (unhashable !== undefined) {
    const type = pyQualifiedTypeName(unhashable);
    throw new CavraError('policy_invalid', `mcp server lists must not contain a ${type}`, {
      python: `TypeError: unhashable type: '${type}'`,
    });
  }
  return new Set(items.filter((item): item is string => typeof item === 'string'));
}

function mcpRules(policy: PyDict): McpRules {
  const mcp = policy.get('mcp' satisfies keyof typeof FIELDS);
  if (mcp !== undefined && !(mcp instanceof Map)) return { ok: false, error: noAttributeGet(mcp, 'mcp') };
  const rules = mcp ?? new Map<PyValue, PyValue>();
  try {
    const { blockUnknownServers, blockedServers, allowedServers } = FIELDS.mcp;
    const blockUnknown = rules.has(blockUnknownServers) ? pyTruthy(rules.get(blockUnknownServers)) : true;
    return {
      ok: true,
      blocked: serverSet(rules.get(blockedServers)),
      blockUnknown,
      allowed: serverSet(rules.get(allowedServers)),
    };
  } catch (error) {
    if (error instanceof CavraError) return { ok: false, error };
    throw error;
  }
}

/**
 * Reduce a policy (a pack's mapping or a compiled policy, exactly as loaded) to what the
 * decisions read, as Python's `RuntimeGuard` does at construction. Throws `policy_invalid` when
 * `filesystem` or `commands` is present but not a mapping; an unusable `mcp` section fails only
 * non-registry MCP calls, later.
 */
export function preparePolicy(policy: PyDict): PreparedPolicy {
  const filesystem = section(policy, 'filesystem');
  const commands = section(policy, 'commands');
  const metadata = policy.get('metadata');
  const id = metadata instanceof Map ? metadata.get(FIELDS.metadata.id) : undefined;
  return {
    blockRead: patternList(filesystem, FIELDS.filesystem.blockRead),
    blockWrite: patternList(filesystem, FIELDS.filesystem.blockWrite),
    requireApprovalWrite: patternList(filesystem, FIELDS.filesystem.requireApprovalWrite),
    commandBlock: patternList(commands, FIELDS.commands.block),
    commandAllow: patternList(commands, FIELDS.commands.allow),
    mcp: mcpRules(policy),
    metadataId: typeof id === 'string' && id !== '' ? id : undefined,
  };
}
