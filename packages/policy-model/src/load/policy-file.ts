import type { PyDict } from '../python/value.js';
import { readPythonTextFile } from '../node/python-text-file.js';
import { parsePolicyYaml } from '../packs/parse-policy-yaml.js';
import { checkPolicy, parsePolicyJsonText } from '../validate/check-policy.js';

/** The text of a policy file, read as Python reads a text file (a FIFO or device is `policy_unreadable`). */
export const readPolicyFileText = (path: string): string =>
  readPythonTextFile(path, {
    unreadable: 'policy_unreadable',
    undecodable: 'policy_invalid',
    what: 'policy file',
  });

/**
 * A compiled policy JSON file (the `--policy FILE` route): read as Python reads a text file (a
 * FIFO or device is refused, `policy_unreadable`), parsed and checked by `parsePolicyJsonText`.
 */
export function loadPolicyJsonFile(path: string): PyDict {
  return parsePolicyJsonText(readPolicyFileText(path), `policy file ${path}`);
}

/** A policy YAML file read as PyYAML's `safe_load` reads it, checked against the policy schema. */
export function loadPolicyYamlFile(path: string): PyDict {
  return checkPolicy(parsePolicyYaml(readPolicyFileText(path), path), `policy file ${path}`);
}
