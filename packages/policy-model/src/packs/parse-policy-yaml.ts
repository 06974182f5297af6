import { CavraError } from '../errors.js';
import type { PyValue } from '../python/value.js';
import { PyYamlError, YamlAliasExpansionError, loadPyYaml } from '../yaml/index.js';

/** Parse a policy YAML text; YAML errors become `policy_yaml` errors carrying PyYAML's exception class. */
export function parsePolicyYaml(text: string, where: string): PyValue {
  try {
    return loadPyYaml(text);
  } catch (error) {
    if (error instanceof PyYamlError) {
      throw new CavraError('policy_yaml', `${where}: ${error.message}`, {
        python: `${error.pythonType}: ${error.message.split('\n')[0] ?? ''}`,
      });
    }
    if (error instanceof YamlAliasExpansionError) {
      // No `python` line: PyYAML loads such a document; we refuse it to stay bounded (documented).
      throw new CavraError('policy_yaml', `${where}: ${error.message}`);
    }
    throw error;
  }
}
