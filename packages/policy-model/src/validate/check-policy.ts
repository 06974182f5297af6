import { CavraError, type Issue } from '../errors.js';
import { PyJsonSyntaxError, parsePyJson } from '../python/json-parse.js';
import type { PyDict, PyValue } from '../python/value.js';
import { formatValidationError, validatePolicy } from './policy.js';

/**
 * Check a policy document with the one policy validator (`validatePolicy`, the JSON Schema with
 * jsonschema's messages, as `policy validate` prints them). Returns the document itself (a valid
 * policy is a mapping), or throws `policy_invalid` listing every problem with its dot path
 * (`filesystem.block_read.0`). For plain JS data use `policySchema` (zod), a view of the same check.
 */
export function checkPolicy(document: PyValue, where = 'policy'): PyDict {
  const errors = validatePolicy(document);
  if (errors.length === 0) return document as PyDict;
  const issues: Issue[] = errors.map((error) => ({
    path: error.path.map(String).join('.'),
    message: error.message,
  }));
  throw new CavraError(
    'policy_invalid',
    `${where} does not match the policy schema: ${formatValidationError(errors[0] as (typeof errors)[0])}`,
    {
      issues,
    },
  );
}

/**
 * A compiled policy JSON text (`policy compile` output; the `--policy FILE` route), parsed as
 * Python's `json.loads` parses it and checked by `checkPolicy`. Returns the document exactly as
 * stored (Python uses it without recompiling or sorting).
 */
export function parsePolicyJsonText(text: string, where = 'policy'): PyDict {
  let document: PyValue;
  try {
    document = parsePyJson(text);
  } catch (error) {
    if (error instanceof PyJsonSyntaxError) {
      throw new CavraError('policy_invalid', `${where} is not valid JSON: ${error.message}`, {
        python: error.pythonLine,
      });
    }
    throw error;
  }
  return checkPolicy(document, where);
}
