import { bundledPackSource, parsePolicyJsonText, type PackSource } from '@cavra/policy-model';
import { directoryPackSource } from '@cavra/policy-model/node';
import { parseTrustRegistryText } from '@cavra/registry/node';
import type { DecisionEngineOptions } from '../engine.js';

/**
 * A decision engine described in plain, structured-cloneable data, so a worker thread can build
 * the same engine as the main thread. Policy and registry files travel as the text the main
 * thread read once (a file that changes during the run is not read a second time) and are
 * parsed in each thread by the same loaders: the parsed model uses `Map`s and classes, which a
 * structured clone would not keep as they are.
 */
export interface DecisionEngineSpec {
  /** An already resolved pack directory; absent: the bundled packs. */
  packDirectory?: string;
  allowPackPaths?: boolean;
  pinnedPolicyPack?: string;
  /** A compiled policy's text (`--policy FILE`) and how its messages name it. */
  compiledPolicy?: { text: string; where: string };
  /** A trust registry's text (`--registry FILE`) and the path its messages name. */
  registry?: { text: string; path: string };
}

/** The pack directory a spec records for `packs` (none for the bundled packs). */
export const packDirectoryOf = (packs: PackSource): string | undefined =>
  packs === bundledPackSource ? undefined : packs.root;

/**
 * The engine options a spec stands for. Throws the loaders' `CavraError`s (a bad policy or
 * registry text), so the main thread finds them before any worker starts.
 */
export function engineOptionsOf(spec: DecisionEngineSpec): DecisionEngineOptions {
  return {
    packs: spec.packDirectory !== undefined ? directoryPackSource(spec.packDirectory) : bundledPackSource,
    allowPackPaths: spec.allowPackPaths === true,
    ...(spec.pinnedPolicyPack !== undefined ? { pinnedPolicyPack: spec.pinnedPolicyPack } : {}),
    ...(spec.compiledPolicy !== undefined
      ? { compiledPolicy: parsePolicyJsonText(spec.compiledPolicy.text, spec.compiledPolicy.where) }
      : {}),
    ...(spec.registry !== undefined ? { registry: parseTrustRegistryText(spec.registry.text, spec.registry.path) } : {}),
  };
}
