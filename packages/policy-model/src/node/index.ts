// Node-only parts of @cavra/policy-model (file system access), kept apart from the pure model.
export {
  DEFAULT_MAX_FILE_BYTES,
  FileReadError,
  isFileReadError,
  readRegularFile,
  type FileReadFailure,
} from './read-regular-file.js';
