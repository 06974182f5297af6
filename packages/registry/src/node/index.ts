// Node-only part of @cavra/registry (reads registry files), kept apart from the pure registry.
export {
  loadTrustRegistryFile,
  parseTrustRegistryText,
  readTrustRegistryDocument,
  readTrustRegistryText,
} from './load-registry.js';
