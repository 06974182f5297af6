import { CavraError } from '../errors.js';
import type { PyValue } from '../python/value.js';
import { BUNDLED_PACK_DOCUMENTS, BUNDLED_PACK_TEXTS } from './bundled-packs.generated.js';

/** Where policy packs come from: one folder per pack, `<root>/<pack-id>/policy.yaml`. */
export interface PackSource {
  /** `'bundled'` for the packs embedded in this package, else the directory's absolute path. */
  readonly root: string;
  /** Every pack folder name, sorted by code point (folders without `policy.yaml` included). */
  listPackIds(): string[];
  /** The pack's `policy.yaml` as Python reads a text file; throws `pack_not_found` / `pack_invalid`. */
  readPackText(id: string): string;
  /** What PyYAML's `safe_load` reads from the pack's `policy.yaml` (a fresh value each call); throws like `readPackText`, or `policy_yaml`. */
  readPackDocument(id: string): PyValue;
}

export const notFound = (id: string): CavraError =>
  new CavraError('pack_not_found', `Policy pack '${id}' not found.`, {
    python: `PolicyRegistryError: Policy pack '${id}' not found.`,
  });

export const invalidPack = (id: string): CavraError =>
  new CavraError('pack_invalid', `Policy pack '${id}' is invalid.`, {
    python: `PolicyRegistryError: Policy pack '${id}' is invalid.`,
  });

/**
 * The 16 packs vendored with this package, embedded at build time. An id is looked up as a
 * path relative to the (virtual) pack root: `cavra-hipaa`, `cavra-hipaa/` and `./cavra-hipaa`
 * all name the same pack, as they do for Python.
 */
export const bundledPackSource: PackSource = {
  root: 'bundled',
  listPackIds: () => [...BUNDLED_PACK_TEXTS.keys()],
  readPackText: (id) => BUNDLED_PACK_TEXTS.get(bundledPackName(id)) as string,
  // Pre-parsed at build time: a decision never pays for parsing the bundled YAML.
  readPackDocument: (id) => (BUNDLED_PACK_DOCUMENTS.get(bundledPackName(id)) as () => PyValue)(),
};

/** The bundled pack an id names, as a path relative to the pack root; throws `pack_not_found`. */
function bundledPackName(id: string): string {
  const segments = id.split('/').filter((segment) => segment !== '' && segment !== '.');
  const name = segments[0];
  if (id.startsWith('/') || segments.length !== 1 || name === undefined || !BUNDLED_PACK_TEXTS.has(name))
    throw notFound(id);
  return name;
}
