export { loadTrustRegistryFile, readTrustRegistryDocument } from './load-registry.js';
export { normalizeMcpServerRecord } from './normalize-record.js';
export { REGISTRY_OUTCOMES, decideWithRegistry, type RegistryOutcome } from './registry-decision.js';
export { buildTrustRegistry, trustRegistryFromRecords, type TrustRegistry } from './trust-registry.js';
