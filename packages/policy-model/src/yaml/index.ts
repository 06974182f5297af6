export { PyYamlError, type PyYamlErrorParts, type PyYamlMark } from './errors.js';
export { loadPyYaml } from './load.js';
export { resolveScalarTag } from './resolve.js';
