import { existsSync, statSync } from 'node:fs';
import { CavraError, type Issue } from '../errors.js';
import { PyJsonSyntaxError, parsePyJson, toPlainJson } from '../python/json-parse.js';
import type { PyDict, PyValue } from '../python/value.js';
import { readPythonTextFile } from '../packs/pack-source.js';
import { parsePolicyYaml } from '../packs/parse-policy-yaml.js';
import { policySchema, type Policy } from '../schemas/policy.js';

/**
 * Check a policy document against the policy schema. Returns the typed policy, or throws
 * `policy_invalid` listing every problem with its dot path (`filesystem.block_read.0`).
 */
export function checkPolicy(document: PyValue, where = 'policy'): Policy {
  const checked = policySchema.safeParse(toPlainJson(document));
  if (checked.success) return checked.data;
  const issues: Issue[] = checked.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
  throw new CavraError('policy_invalid', `${where} does not match the policy schema`, { issues });
}

function readText(path: string): string {
  if (!existsSync(path) || statSync(path).isDirectory()) {
    throw new CavraError('policy_unreadable', `cannot read policy file ${path}: no such file`);
  }
  try {
    return readPythonTextFile(path);
  } catch (error) {
    if (error instanceof CavraError) throw error;
    throw new CavraError('policy_unreadable', `cannot read policy file ${path}: ${(error as Error).message}`);
  }
}

/**
 * A compiled policy JSON file (`policy compile` output; the `--policy FILE` route), read as
 * Python's `json.load` reads it and checked against the policy schema. The returned value is
 * the document exactly as stored (Python uses it without recompiling or sorting).
 */
export function loadPolicyJsonFile(path: string): PyDict {
  let document: PyValue;
  try {
    document = parsePyJson(readText(path));
  } catch (error) {
    if (error instanceof PyJsonSyntaxError) {
      throw new CavraError('policy_invalid', `policy file ${path} is not valid JSON: ${error.message}`);
    }
    throw error;
  }
  checkPolicy(document, `policy file ${path}`);
  return document as PyDict;
}

/** A policy YAML file read as PyYAML's `safe_load` reads it, checked against the policy schema. */
export function loadPolicyYamlFile(path: string): PyDict {
  const document = parsePolicyYaml(readText(path), path);
  checkPolicy(document, `policy file ${path}`);
  return document as PyDict;
}
