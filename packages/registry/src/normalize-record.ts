import {
  APPROVAL_STATES,
  CavraError,
  pyNoAttributeLine,
  TRUST_TIERS,
  pyQualifiedTypeName,
  pyStr,
  pyTruthy,
  type ApprovalState,
  type McpServerRecord,
  type PyValue,
  type TrustTier,
} from '@cavra/policy-model';

const invalidRecord = (path: string, message: string, python: string): CavraError =>
  new CavraError('registry_invalid', message, { issues: [{ path, message }], python });

const TIER_MESSAGE = `MCP trust_tier must be one of: ${TRUST_TIERS.join(', ')}`;
const STATE_MESSAGE = `MCP approval_state must be one of: ${APPROVAL_STATES.join(', ')}`;
const LIST_MESSAGE = 'expected a string or list of strings';

/** String-or-list: absent/`null` → `[]`, a string → `[s]`, a list → `str()` of each non-null item. */
function stringList(record: Map<PyValue, PyValue>, key: string, path: string): string[] {
  const value = record.get(key);
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((item) => item !== null).map(pyStr);
  throw invalidRecord(`${path}.${key}`, LIST_MESSAGE, `ValueError: ${LIST_MESSAGE}`);
}

/**
 * Python's `normalize_mcp_server_record`: id fallback (`server_id`, `id`, `name`: the first
 * truthy, `str()`-ed), defaults (`unknown` tier; `pending` state for unknown/experimental tiers,
 * else `approved`), exact allowed values, and string-or-list fields. Checks run in Python's
 * order; the first failure wins. `path` locates the record in its file for error issues.
 */
export function normalizeMcpServerRecord(record: PyValue, path = ''): McpServerRecord {
  if (!(record instanceof Map)) {
    throw invalidRecord(path, `MCP server record must be an object, not ${pyQualifiedTypeName(record)}`, pyNoAttributeLine(record, 'get'));
  }
  const idValue = ['server_id', 'id', 'name'].map((key) => record.get(key)).find((value) => pyTruthy(value));
  if (idValue === undefined) {
    throw invalidRecord(path, 'MCP server record must include server_id', 'ValueError: MCP server record must include server_id');
  }
  const serverId = pyStr(idValue);
  const name = record.has('name') ? pyStr(record.get('name') as PyValue) : serverId;

  const tier = record.has('trust_tier') ? pyStr(record.get('trust_tier') as PyValue) : 'unknown';
  if (!(TRUST_TIERS as readonly string[]).includes(tier)) {
    throw invalidRecord(`${path}.trust_tier`, TIER_MESSAGE, `ValueError: ${TIER_MESSAGE}`);
  }
  const defaultState = tier === 'unknown' || tier === 'experimental' ? 'pending' : 'approved';
  const state = record.has('approval_state') ? pyStr(record.get('approval_state') as PyValue) : defaultState;
  if (!(APPROVAL_STATES as readonly string[]).includes(state)) {
    throw invalidRecord(`${path}.approval_state`, STATE_MESSAGE, `ValueError: ${STATE_MESSAGE}`);
  }
  return {
    server_id: serverId,
    name,
    trust_tier: tier as TrustTier,
    approval_state: state as ApprovalState,
    capabilities: stringList(record, 'capabilities', path),
    allowed_tools: stringList(record, 'allowed_tools', path),
    evidence_refs: stringList(record, 'evidence_refs', path),
  };
}
