import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { CavraError } from '../errors.js';
import { readPythonTextFile } from '../node/python-text-file.js';
import { sortByCodePoint } from '../text/code-point-order.js';
import { bundledPackSource, invalidPack, notFound, type PackSource } from './bundled-pack-source.js';
import { parsePolicyYaml } from './parse-policy-yaml.js';

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
      // A FIFO or a device as policy.yaml is refused (policy_unreadable) instead of read forever.
      return readPythonTextFile(file, { unreadable: 'policy_unreadable', undecodable: 'policy_yaml', what: `policy pack '${id}'`, shown: file });
    },
    readPackDocument: (id) => parsePolicyYaml(source.readPackText(id), `policy pack '${id}'`),
  };
  return source;
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
