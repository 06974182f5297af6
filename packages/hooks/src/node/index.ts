// Node-only parts of @cavra/hooks (file system access), kept apart from the pure adapters.
export { canonicalPath } from './canonical-path.js';
export { currentGitBranch } from './git-branch.js';
export { applyAgentConfig, type ConfigChange } from './config-files.js';
