import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { parse } from 'yaml';
import { ReleaseToolError } from './workspace.js';

/** A third-party package as pnpm-lock.yaml (v9) pins it. */
export interface LockedPackage {
  /** Snapshot key, `name@version` plus pnpm's peer suffix when there is one. */
  key: string;
  name: string;
  version: string;
  /** Subresource-integrity string from the lockfile (`sha512-<base64>`), when recorded. */
  integrity: string | undefined;
  /** Snapshot keys of its own runtime dependencies. */
  dependencies: string[];
}

export interface ImporterDependencies {
  /** Workspace importers it links to (`packages/policy-model`). */
  workspace: string[];
  /** Snapshot keys of the third-party packages it depends on directly. */
  external: string[];
}

/** The runtime (non-dev) dependency graph of some workspace importers, closed transitively. */
export interface RuntimeGraph {
  importers: Map<string, ImporterDependencies>;
  packages: Map<string, LockedPackage>;
}

interface RawDependency {
  specifier?: string;
  version?: string;
}
interface RawLockfile {
  lockfileVersion?: string | number;
  importers?: Record<
    string,
    { dependencies?: Record<string, RawDependency>; optionalDependencies?: Record<string, RawDependency> }
  >;
  packages?: Record<string, { resolution?: { integrity?: string } }>;
  snapshots?: Record<
    string,
    { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> } | null
  >;
}

export const readLockfile = (path: string): RawLockfile => {
  const lock = parse(readFileSync(path, 'utf8')) as RawLockfile;
  // The v9 layout (packages + snapshots) is what the graph walk below understands.
  if (String(lock.lockfileVersion) !== '9.0') {
    throw new ReleaseToolError(
      `${path}: lockfileVersion ${String(lock.lockfileVersion)} is not supported (expected 9.0)`,
    );
  }
  return lock;
};

/** `@scope/name@1.2.3(peer@4)` → name `@scope/name`, version `1.2.3`. */
export const splitKey = (key: string): { name: string; version: string } => {
  const bare = key.split('(')[0] ?? key;
  const at = bare.lastIndexOf('@');
  if (at <= 0) throw new ReleaseToolError(`pnpm-lock.yaml: cannot read package key ${JSON.stringify(key)}`);
  return { name: bare.slice(0, at), version: bare.slice(at + 1) };
};

/** A dependency value is a version (`1.2.3(peer@1)`) or, for npm aliases, `realname@version`. */
const snapshotKey = (name: string, value: string): string =>
  /^[0-9]/.test(value) ? `${name}@${value}` : value;

export const runtimeGraph = (lock: RawLockfile, importers: readonly string[]): RuntimeGraph => {
  const packages = new Map<string, LockedPackage>();
  const result = new Map<string, ImporterDependencies>();
  const visit = (key: string): void => {
    if (packages.has(key)) return;
    const snapshot = lock.snapshots?.[key];
    if (snapshot === undefined) throw new ReleaseToolError(`pnpm-lock.yaml: ${key} has no snapshot entry`);
    const { name, version } = splitKey(key);
    const deps = { ...(snapshot?.dependencies ?? {}), ...(snapshot?.optionalDependencies ?? {}) };
    const entry: LockedPackage = {
      key,
      name,
      version,
      integrity: lock.packages?.[`${name}@${version}`]?.resolution?.integrity,
      dependencies: Object.entries(deps).map(([depName, value]) => snapshotKey(depName, value)),
    };
    packages.set(key, entry);
    entry.dependencies.forEach(visit);
  };
  const pending = [...importers];
  while (pending.length > 0) {
    const importer = pending.shift() ?? '';
    if (result.has(importer)) continue;
    const raw = lock.importers?.[importer];
    if (raw === undefined)
      throw new ReleaseToolError(`pnpm-lock.yaml has no importer ${importer} (run pnpm install)`);
    const deps: ImporterDependencies = { workspace: [], external: [] };
    for (const [name, dep] of Object.entries({
      ...(raw.dependencies ?? {}),
      ...(raw.optionalDependencies ?? {}),
    })) {
      const version = dep.version ?? '';
      if (version.startsWith('link:')) {
        const target = posix.normalize(posix.join(importer, version.slice('link:'.length)));
        deps.workspace.push(target);
        pending.push(target);
      } else {
        const key = snapshotKey(name, version);
        deps.external.push(key);
        visit(key);
      }
    }
    result.set(importer, deps);
  }
  return { importers: result, packages };
};
