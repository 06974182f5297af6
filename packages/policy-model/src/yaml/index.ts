export { PyYamlError, type PyYamlErrorParts, type PyYamlMark } from './errors.js';
export { MAX_ALIAS_EXPANSION, YamlAliasExpansionError } from './alias-expansion.js';
export { loadPyYaml } from './load.js';
export { resolveScalarTag } from './resolve.js';
