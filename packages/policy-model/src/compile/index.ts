export { compilePolicy } from './compile.js';
export { dedupe, deepCopy, mergeMetadata, mergePolicy, mergeSection } from './merge.js';
export { normalizePolicy } from './normalize.js';
