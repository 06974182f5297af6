// Node-only parts of @cavra/policy-model (file system access), kept apart from the pure model.
export {
  DEFAULT_MAX_FILE_BYTES,
  FileReadError,
  isFileReadError,
  readRegularFile,
  type FileReadFailure,
} from './read-regular-file.js';
export { POLICY_TEXT_FILE, readPythonTextFile, type PythonTextFileOptions } from './python-text-file.js';
export { directoryPackSource, resolvePackSource, type PackSourceOptions } from '../packs/pack-source.js';
export { loadPolicyJsonFile, loadPolicyYamlFile, readPolicyFileText } from '../load/policy-file.js';
