export { loadPackDocument, loadPackPolicy, parsePolicyYaml } from './load-pack.js';
export {
  bundledPackSource,
  directoryPackSource,
  readPythonTextFile,
  resolvePackSource,
  type PackSource,
  type PackSourceOptions,
} from './pack-source.js';
