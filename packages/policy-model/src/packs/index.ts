export { loadPackDocument, loadPackPolicy } from './load-pack.js';
export { parsePolicyYaml } from './parse-policy-yaml.js';
export {
  bundledPackSource,
  directoryPackSource,
  readPythonTextFile,
  resolvePackSource,
  type PackSource,
  type PackSourceOptions,
} from './pack-source.js';
