import { CavraError, isCavraError } from '../errors.js';
import { pyNoAttributeLine } from '../python/exceptions.js';
import type { PyDict, PyValue } from '../python/value.js';
import type { PackSource } from './bundled-pack-source.js';

/** One entry of Python's `PolicyRegistry.list_policy_packs()`. */
export interface PolicyPackSummary {
  /** The pack's folder name. */
  readonly folder: string;
  /** `metadata.id` if that key exists (even `null` or not a string), else the folder name. */
  readonly id: PyValue;
  /** `metadata.title` / `.description` / `.version`, or `null` when absent. */
  readonly title: PyValue;
  readonly description: PyValue;
  readonly version: PyValue;
  /** The raw YAML mapping (not compiled, `inherits` not resolved). */
  readonly policy: PyDict;
}

/**
 * Python's `list_policy_packs()`: every pack folder in code-point order; folders without
 * `policy.yaml`, or whose YAML is not a mapping, are skipped silently. A YAML syntax error or a
 * non-mapping `metadata` in any pack aborts the whole listing, as it does in Python.
 * Validation does not run here.
 */
export function listPolicyPacks(source: PackSource): PolicyPackSummary[] {
  const packs: PolicyPackSummary[] = [];
  for (const folder of source.listPackIds()) {
    let document: PyValue;
    try {
      document = source.readPackDocument(folder);
    } catch (error) {
      // No policy.yaml in the folder (or it vanished meanwhile): Python's `exists()` check skips it.
      if (isCavraError(error) && (error.code === 'pack_invalid' || error.code === 'pack_not_found')) continue;
      throw error;
    }
    if (!(document instanceof Map)) continue;
    // `data.get("metadata", {})` then `.get(...)`: a present but non-mapping metadata raises.
    const metadata = document.has('metadata')
      ? (document.get('metadata') as PyValue)
      : new Map<PyValue, PyValue>();
    if (!(metadata instanceof Map)) {
      throw new CavraError('pack_invalid', `Policy pack '${folder}' has metadata that is not a mapping.`, {
        python: pyNoAttributeLine(metadata, 'get'),
      });
    }
    const field = (key: string): PyValue => (metadata.has(key) ? (metadata.get(key) as PyValue) : null);
    packs.push({
      folder,
      id: metadata.has('id') ? field('id') : folder,
      title: field('title'),
      description: field('description'),
      version: field('version'),
      policy: document,
    });
  }
  return packs;
}
