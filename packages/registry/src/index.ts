// The registry file loader (loadTrustRegistryFile, readTrustRegistryDocument) lives in
// '@cavra/registry/node': this entry point imports no Node built-in.
export { normalizeMcpServerRecord } from './normalize-record.js';
export { REGISTRY_OUTCOMES, decideWithRegistry, type RegistryOutcome } from './registry-decision.js';
export { buildTrustRegistry, trustRegistryFromRecords, type TrustRegistry } from './trust-registry.js';
