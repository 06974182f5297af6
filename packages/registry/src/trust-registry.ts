import {
  CavraError,
  pyIterate,
  pyNoAttributeLine,
  pyNotIterableLine,
  pyQualifiedTypeName,
  type McpServerRecord,
  type PyValue,
} from '@cavra/policy-model';
import { normalizeMcpServerRecord } from './normalize-record.js';

/** The registry as Python's JSON-file store holds it: records in store order. */
export interface TrustRegistry {
  readonly records: readonly McpServerRecord[];
  /** The first record in store order whose `server_id` or `name` equals `server` exactly. */
  lookup(server: string): McpServerRecord | undefined;
}

/** Records in store order, with a by-id-or-name index. */
export function trustRegistryFromRecords(records: readonly McpServerRecord[]): TrustRegistry {
  const index = new Map<string, McpServerRecord>();
  for (const record of records) {
    for (const key of [record.server_id, record.name]) if (!index.has(key)) index.set(key, record);
  }
  return { records, lookup: (server) => index.get(server) };
}

const registryError = (message: string, python: string): CavraError =>
  new CavraError('registry_invalid', message, { python });

/**
 * Build the registry from a parsed registry document (`{"mcp_servers": [...]}`), as Python
 * does: upsert every record in file order; a re-registered `server_id` is removed and appended
 * at the end with its new content. Only `mcp_servers` is read; absent means an empty registry.
 * Any invalid record fails the whole registry.
 */
export function buildTrustRegistry(document: PyValue): TrustRegistry {
  if (!(document instanceof Map)) {
    throw registryError(`a trust registry must be a JSON object, not ${pyQualifiedTypeName(document)}`, pyNoAttributeLine(document, 'get'));
  }
  const servers = document.get('mcp_servers');
  const items = servers === undefined ? [] : pyIterate(servers);
  if (items === undefined) {
    const shown = servers as PyValue;
    throw registryError(`mcp_servers must be a list, not ${pyQualifiedTypeName(shown)}`, pyNotIterableLine(shown));
  }
  const store: McpServerRecord[] = [];
  items.forEach((item, i) => {
    const record = normalizeMcpServerRecord(item, `mcp_servers.${i}`);
    const existing = store.findIndex((stored) => stored.server_id === record.server_id);
    if (existing !== -1) store.splice(existing, 1);
    store.push(record);
  });
  return trustRegistryFromRecords(store);
}
