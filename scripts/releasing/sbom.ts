import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BundledPackage } from './bundle.js';
import type { LockedPackage, RuntimeGraph } from './lockfile.js';
import { ROOT, ReleaseToolError, readJson, type PublicPackage } from './workspace.js';

/** One released file with its digest. */
export interface ArtifactInfo {
  name: string;
  sha256: string;
  size: number;
}

export interface SbomInput {
  cli: PublicPackage;
  packages: readonly { pkg: PublicPackage; artifact: ArtifactInfo }[];
  bundle: { artifact: ArtifactInfo; contents: readonly BundledPackage[] };
  graph: RuntimeGraph;
  /** ISO time, seconds precision, UTC (`2026-01-01T00:00:00Z`). */
  created: string;
  /** Bundles inside package tarballs (file, what it inlines), e.g. @cavra/cli's dist/cavra-runtime.cjs. */
  embedded?: readonly { packageName: string; file: string; contents: readonly BundledPackage[] }[];
  /** Reads a third-party package's declared licence; defaults to the installed package.json. */
  licenseOf?: (pkg: LockedPackage) => string | undefined;
}

interface SpdxPackage {
  SPDXID: string;
  name: string;
  versionInfo: string;
  packageFileName?: string;
  supplier?: string;
  downloadLocation: string;
  filesAnalyzed: false;
  checksums?: { algorithm: string; checksumValue: string }[];
  licenseConcluded: string;
  licenseDeclared: string;
  copyrightText: string;
  description?: string;
  externalRefs?: { referenceCategory: 'PACKAGE-MANAGER'; referenceType: 'purl'; referenceLocator: string }[];
  primaryPackagePurpose: 'APPLICATION' | 'LIBRARY';
}

export interface SpdxRelationship {
  spdxElementId: string;
  relationshipType: 'DESCRIBES' | 'DEPENDS_ON' | 'CONTAINS' | 'GENERATED_FROM';
  relatedSpdxElement: string;
}

export interface SpdxDocument {
  spdxVersion: 'SPDX-2.3';
  dataLicense: 'CC0-1.0';
  SPDXID: 'SPDXRef-DOCUMENT';
  name: string;
  documentNamespace: string;
  creationInfo: { created: string; creators: string[]; comment: string };
  packages: SpdxPackage[];
  relationships: SpdxRelationship[];
}

/** Package URL (purl spec): the `@` of a scope is percent-encoded in the namespace. */
export const npmPurl = (name: string, version: string): string =>
  `pkg:npm/${name.startsWith('@') ? `%40${name.slice(1)}` : name}@${encodeURIComponent(version)}`;

const spdxId = (kind: string, name: string, version: string): string =>
  `SPDXRef-${kind}-${`${name}-${version}`.replace(/^@/, '').replace(/[^A-Za-z0-9.-]+/g, '-')}`;

/** SRI `sha512-<base64>` → SPDX checksum (algorithm name, lowercase hex). */
const integrityChecksum = (integrity: string | undefined): { algorithm: string; checksumValue: string }[] => {
  const match = /^(sha1|sha256|sha384|sha512)-([A-Za-z0-9+/=]+)$/.exec(integrity ?? '');
  if (!match?.[1] || !match[2]) return [];
  return [
    { algorithm: match[1].toUpperCase(), checksumValue: Buffer.from(match[2], 'base64').toString('hex') },
  ];
};

/** A package.json licence as an SPDX expression, or NOASSERTION when it is not one. */
export const spdxLicense = (manifest: { license?: unknown; licenses?: unknown }): string => {
  const valid = (text: string): boolean =>
    /^[A-Za-z0-9.+:() -]+$/.test(text) && !/^SEE LICEN[CS]E/i.test(text) && text.trim() !== '';
  if (typeof manifest.license === 'string') return valid(manifest.license) ? manifest.license : 'NOASSERTION';
  const list = Array.isArray(manifest.licenses) ? (manifest.licenses as unknown[]) : [];
  const types = list
    .map((l) => (typeof l === 'object' && l !== null ? (l as { type?: unknown }).type : l))
    .filter((t): t is string => typeof t === 'string' && valid(t));
  if (types.length === 0) return 'NOASSERTION';
  return types.length === 1 ? (types[0] ?? 'NOASSERTION') : `(${types.join(' OR ')})`;
};

/** Reads the licence from the package.json pnpm installed under node_modules/.pnpm. */
export const installedLicense = (pkg: LockedPackage, root = ROOT): string | undefined => {
  const store = join(root, 'node_modules', '.pnpm');
  const base = `${pkg.name.replace('/', '+')}@${pkg.version}`;
  // Peer-resolved variants get a suffix after `_`; any of them has the same package.json.
  const candidates = existsSync(store)
    ? readdirSync(store).filter((dir) => dir === base || dir.startsWith(`${base}_`))
    : [];
  for (const dir of candidates) {
    const path = join(store, dir, 'node_modules', pkg.name, 'package.json');
    if (!existsSync(path)) continue;
    const manifest = readJson<{ version?: string; license?: unknown; licenses?: unknown }>(path);
    if (manifest.version === pkg.version) return spdxLicense(manifest);
  }
  return undefined;
};

const joinLicenses = (licenses: Iterable<string>): string => {
  const unique = [...new Set([...licenses].filter((l) => l !== 'NOASSERTION'))].sort();
  if (unique.length === 0) return 'NOASSERTION';
  return unique.map((l) => (/ (OR|AND|WITH) /.test(l) && !l.startsWith('(') ? `(${l})` : l)).join(' AND ');
};

/**
 * Builds the SPDX 2.3 document from the lockfile graph: the bundled CLI file and one package per
 * npm tarball (with their SHA-256), every third-party runtime dependency at its locked version
 * (with the lockfile's integrity hash), DEPENDS_ON edges from the lockfile and CONTAINS edges
 * from what esbuild actually inlined.
 */
export const buildSbom = (input: SbomInput): { document: SpdxDocument; warnings: string[] } => {
  const warnings: string[] = [];
  const licenseOf = input.licenseOf ?? ((pkg: LockedPackage) => installedLicense(pkg));
  const packages: SpdxPackage[] = [];
  const relationships: SpdxRelationship[] = [];
  const relate = (from: string, type: SpdxRelationship['relationshipType'], to: string): void => {
    relationships.push({ spdxElementId: from, relationshipType: type, relatedSpdxElement: to });
  };

  const workspaceIds = new Map<string, string>(); // importer → SPDXID
  const workspaceByName = new Map<string, string>(); // package name → SPDXID
  for (const { pkg, artifact } of input.packages) {
    const id = spdxId('Package-npm', pkg.name, pkg.version);
    workspaceIds.set(pkg.importer, id);
    workspaceByName.set(pkg.name, id);
    const license = spdxLicense(pkg.manifest);
    packages.push({
      SPDXID: id,
      name: pkg.name,
      versionInfo: pkg.version,
      packageFileName: artifact.name,
      supplier: 'Organization: CAVRA',
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      checksums: [{ algorithm: 'SHA256', checksumValue: artifact.sha256 }],
      licenseConcluded: license,
      licenseDeclared: license,
      copyrightText: 'NOASSERTION',
      ...(typeof pkg.manifest.description === 'string' ? { description: pkg.manifest.description } : {}),
      externalRefs: [
        {
          referenceCategory: 'PACKAGE-MANAGER',
          referenceType: 'purl',
          referenceLocator: npmPurl(pkg.name, pkg.version),
        },
      ],
      primaryPackagePurpose: pkg.manifest.bin === undefined ? 'LIBRARY' : 'APPLICATION',
    });
  }

  const externalIds = new Map<string, string>(); // snapshot key → SPDXID
  const externalLicenses = new Map<string, string>(); // name@version → licence
  for (const locked of [...input.graph.packages.values()].sort((a, b) => (a.key < b.key ? -1 : 1))) {
    const id = spdxId('Package-npm', locked.name, locked.version);
    externalIds.set(locked.key, id);
    if (packages.some((p) => p.SPDXID === id)) continue; // peer variants of one version are one package
    const license = licenseOf(locked);
    if (license === undefined)
      warnings.push(`licence of ${locked.name}@${locked.version} not found in node_modules/.pnpm`);
    externalLicenses.set(`${locked.name}@${locked.version}`, license ?? 'NOASSERTION');
    const checksums = integrityChecksum(locked.integrity);
    if (checksums.length === 0)
      warnings.push(`${locked.name}@${locked.version} has no integrity hash in pnpm-lock.yaml`);
    packages.push({
      SPDXID: id,
      name: locked.name,
      versionInfo: locked.version,
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      ...(checksums.length > 0 ? { checksums } : {}),
      licenseConcluded: 'NOASSERTION',
      licenseDeclared: license ?? 'NOASSERTION',
      copyrightText: 'NOASSERTION',
      externalRefs: [
        {
          referenceCategory: 'PACKAGE-MANAGER',
          referenceType: 'purl',
          referenceLocator: npmPurl(locked.name, locked.version),
        },
      ],
      primaryPackagePurpose: 'LIBRARY',
    });
  }

  // What a bundle contains is what esbuild inlined, each package checked against the release and the lockfile.
  const resolveContents = (
    what: string,
    contents: readonly BundledPackage[],
  ): { ids: string[]; licenses: string[] } => {
    const ids: string[] = [];
    const licenses: string[] = [];
    for (const item of contents) {
      if (item.workspace) {
        const id = workspaceByName.get(item.name);
        const released = input.packages.find((p) => p.pkg.name === item.name);
        if (id === undefined || released?.pkg.version !== item.version) {
          throw new ReleaseToolError(
            `${what} contains ${item.name}@${item.version}, which is not a released package version`,
          );
        }
        ids.push(id);
        licenses.push(spdxLicense(released.pkg.manifest));
      } else {
        const locked = [...input.graph.packages.values()].find(
          (p) => p.name === item.name && p.version === item.version,
        );
        if (locked === undefined) {
          throw new ReleaseToolError(
            `${what} contains ${item.name}@${item.version}, which is not a locked runtime dependency`,
          );
        }
        ids.push(externalIds.get(locked.key) ?? '');
        licenses.push(externalLicenses.get(`${item.name}@${item.version}`) ?? 'NOASSERTION');
      }
    }
    return { ids, licenses };
  };
  const bundleId = 'SPDXRef-Artifact-cavra-runtime-mjs';
  const { ids: contained, licenses: bundleLicenses } = resolveContents('the bundle', input.bundle.contents);
  packages.unshift({
    SPDXID: bundleId,
    name: 'cavra-runtime',
    versionInfo: input.cli.version,
    packageFileName: input.bundle.artifact.name,
    supplier: 'Organization: CAVRA',
    downloadLocation: 'NOASSERTION',
    filesAnalyzed: false,
    checksums: [{ algorithm: 'SHA256', checksumValue: input.bundle.artifact.sha256 }],
    licenseConcluded: joinLicenses(bundleLicenses),
    licenseDeclared: spdxLicense(input.cli.manifest),
    copyrightText: 'NOASSERTION',
    description: `The ${input.cli.name} command bundled into one ESM file for plain node (no node_modules).`,
    // No purl: it is not an npm package; scanners reach its code through the CONTAINS relationships.
    primaryPackagePurpose: 'APPLICATION',
  });

  relate('SPDXRef-DOCUMENT', 'DESCRIBES', bundleId);
  for (const { pkg } of input.packages)
    relate('SPDXRef-DOCUMENT', 'DESCRIBES', workspaceIds.get(pkg.importer) ?? '');
  for (const id of [...new Set(contained)].sort()) relate(bundleId, 'CONTAINS', id);
  // Tarballs that inline other packages in a bundle of their own (so a scanner of the tarball sees that code).
  for (const embedded of input.embedded ?? []) {
    const from = workspaceByName.get(embedded.packageName);
    if (from === undefined)
      throw new ReleaseToolError(`embedded bundle of unknown package ${embedded.packageName}`);
    const { ids } = resolveContents(`${embedded.packageName} ${embedded.file}`, embedded.contents);
    for (const id of [...new Set(ids)].filter((id) => id !== from).sort()) relate(from, 'CONTAINS', id);
  }
  const cliId = workspaceIds.get(input.cli.importer);
  if (cliId !== undefined) relate(bundleId, 'GENERATED_FROM', cliId);
  for (const { pkg } of input.packages) {
    const deps = input.graph.importers.get(pkg.importer);
    const from = workspaceIds.get(pkg.importer) ?? '';
    for (const target of deps?.workspace ?? []) {
      const to = workspaceIds.get(target);
      if (to === undefined)
        throw new ReleaseToolError(`${pkg.name} depends on ${target}, which is not released`);
      relate(from, 'DEPENDS_ON', to);
    }
    for (const key of deps?.external ?? []) relate(from, 'DEPENDS_ON', externalIds.get(key) ?? '');
  }
  for (const locked of input.graph.packages.values()) {
    for (const dep of locked.dependencies)
      relate(externalIds.get(locked.key) ?? '', 'DEPENDS_ON', externalIds.get(dep) ?? '');
  }
  const dangling = relationships.filter((r) => r.spdxElementId === '' || r.relatedSpdxElement === '');
  if (dangling.length > 0) throw new ReleaseToolError('SBOM relationship refers to an unknown element');

  // A namespace unique to this exact set of artifacts, so the same inputs give the same document.
  const fingerprint = createFingerprint([input.bundle.artifact, ...input.packages.map((p) => p.artifact)]);
  const document: SpdxDocument = {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: `cavra-runtime-${input.cli.version}`,
    documentNamespace: `https://spdx.org/spdxdocs/cavra-runtime-${input.cli.version}-${fingerprint}`,
    creationInfo: {
      created: input.created,
      creators: ['Tool: cavra-release-package', 'Organization: CAVRA'],
      comment:
        'Generated from pnpm-lock.yaml (exact locked versions and integrity hashes) and the esbuild metafile of the bundled CLI; licences read from the installed package.json files.',
    },
    packages,
    relationships,
  };
  return { document, warnings };
};

const createFingerprint = (artifacts: readonly ArtifactInfo[]): string => {
  const list = artifacts
    .map((a) => `${a.name}:${a.sha256}`)
    .sort()
    .join('\n');
  // UUID-shaped digest of the artifact list: not random on purpose, so a rebuild gives the same id.
  const d = createHash('sha256').update(list).digest('hex');
  return `${d.slice(0, 8)}-${d.slice(8, 12)}-${d.slice(12, 16)}-${d.slice(16, 20)}-${d.slice(20, 32)}`;
};

/** Internal consistency: unique SPDXIDs and no relationship to an unknown element. */
export const assertSbomShape = (doc: SpdxDocument): void => {
  const ids = new Set(doc.packages.map((p) => p.SPDXID));
  if (ids.size !== doc.packages.length) throw new ReleaseToolError('SBOM has duplicate SPDXIDs');
  for (const rel of doc.relationships) {
    for (const id of [rel.spdxElementId, rel.relatedSpdxElement]) {
      if (id !== 'SPDXRef-DOCUMENT' && !ids.has(id))
        throw new ReleaseToolError(`SBOM relationship names unknown ${id}`);
    }
  }
};
