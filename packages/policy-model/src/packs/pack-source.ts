import { existsSync, readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { CavraError } from '../errors.js';
import { sortByCodePoint } from '../text/code-point-order.js';
import type { PyValue } from '../python/value.js';
import { parsePolicyYaml } from './parse-policy-yaml.js';
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

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Python text mode: UTF-8, universal newlines (`\r\n` and `\r` become `\n`). */
export function readPythonTextFile(path: string): string {
  const bytes = readFileSync(path);
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new CavraError('policy_yaml', `${path} is not valid UTF-8`, {
      python: `UnicodeDecodeError: 'utf-8' codec can't decode ${path}`,
    });
  }
  return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
}

const isDirectory = (path: string): boolean => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

/** Packs in a directory. Ids are joined onto the root as paths, as Python does (`cavra-x/` and absolute paths work). */
export function directoryPackSource(directory: string): PackSource {
  const root = realpathSync(directory);
  const source: PackSource = {
    root,
    listPackIds: () =>
      sortByCodePoint(
        readdirSync(root, { withFileTypes: true })
          .filter((entry) => entry.isDirectory() || (entry.isSymbolicLink() && isDirectory(join(root, entry.name))))
          .map((entry) => entry.name),
      ),
    readPackText: (id) => {
      const folder = isAbsolute(id) ? id : resolve(root, id);
      if (!isDirectory(folder)) throw notFound(id);
      const file = join(folder, 'policy.yaml');
      if (!existsSync(file) || isDirectory(file)) throw invalidPack(id);
      return readPythonTextFile(file);
    },
    readPackDocument: (id) => parsePolicyYaml(source.readPackText(id), `policy pack '${id}'`),
  };
  return source;
}

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
  if (id.startsWith('/') || segments.length !== 1 || name === undefined || !BUNDLED_PACK_TEXTS.has(name)) throw notFound(id);
  return name;
}

export interface PackSourceOptions {
  /** `--policy-dir DIR`: must exist. */
  policyDir?: string | undefined;
  /** Environment to read `CAVRA_POLICY_DIR` from. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Base for a relative `policyDir` / `CAVRA_POLICY_DIR`. */
  cwd?: string;
}

/**
 * `--policy-dir DIR`, else `CAVRA_POLICY_DIR` (skipped, as Python skips it, when unset, empty
 * or not an existing path), else the bundled packs.
 */
export function resolvePackSource(options: PackSourceOptions = {}): PackSource {
  const cwd = options.cwd ?? process.cwd();
  if (options.policyDir !== undefined) {
    const dir = resolve(cwd, options.policyDir);
    if (!isDirectory(dir)) {
      throw new CavraError('policy_unreadable', `policy directory not found: ${options.policyDir}`);
    }
    return directoryPackSource(dir);
  }
  const fromEnv = options.env?.CAVRA_POLICY_DIR;
  if (fromEnv) {
    const dir = resolve(cwd, fromEnv);
    if (isDirectory(dir)) return directoryPackSource(dir);
  }
  return bundledPackSource;
}
