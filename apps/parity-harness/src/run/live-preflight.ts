import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePyJson, type PackSource } from '@cavra/policy-model';
import type { PackPolicy } from '../family.js';
import {
  mapLimit,
  pythonCompile,
  pythonPolicyList,
  pythonVersion,
  type CliResult,
} from '../oracle/python-cli.js';
import type { PythonCheckout } from '../oracle/python-env.js';
import type { MismatchRecord } from './types.js';

export interface Preflight {
  version: string;
  packList: string[];
  /** The packs this run covers: `--pack`, else every pack Python lists. */
  packs: string[];
  pythonCompile: Map<string, CliResult>;
  /** Python's compiled policy per pack, as a file the adapter is sent (`policy_file`). */
  compiled: Map<string, PackPolicy>;
  /** A pack list that differs from the TypeScript one. */
  mismatches: MismatchRecord[];
}

const CLI_PARALLEL = 4;

/**
 * Before any family: Python's `version`, `policy list` (compared with the TS pack list) and
 * `policy compile` per pack, whose output is both the compile family's answer and the compiled
 * policy the generated decision cases use.
 */
export async function livePreflight(options: {
  checkout: PythonCheckout;
  pythonEnv: Readonly<Record<string, string>>;
  packSource: PackSource;
  packs?: readonly string[];
  workDir: string;
}): Promise<Preflight> {
  const { checkout, pythonEnv: env } = options;
  const [version, listed] = await Promise.all([
    pythonVersion(checkout, env),
    pythonPolicyList(checkout, env),
  ]);
  const packList = listed.map((p) => p.id);
  const mismatches: MismatchRecord[] = [];
  const tsList = options.packSource.listPackIds();
  if (packList.join('\n') !== tsList.join('\n')) {
    mismatches.push({
      kind: 'pack-list',
      pack: '*',
      request: 'policy list',
      python: packList,
      typescript: tsList,
      fields: [{ field: 'packs', python: packList, typescript: tsList }],
      shrunk: false,
    });
  }
  const packs = options.packs?.length ? [...options.packs] : packList;
  mkdirSync(join(options.workDir, 'compiled'), { recursive: true });
  const pythonCompiled = new Map<string, CliResult>();
  const compiled = new Map<string, PackPolicy>();
  await mapLimit(packs, CLI_PARALLEL, async (id) => {
    const result = await pythonCompile(checkout, id, env);
    pythonCompiled.set(id, result);
    if (result.exitCode !== 0) return;
    const ref = join(options.workDir, 'compiled', `${id.replace(/[^A-Za-z0-9._-]/g, '_')}.json`);
    writeFileSync(ref, result.stdout);
    compiled.set(id, { ref, value: parsePyJson(result.stdout) });
  });
  return { version, packList, packs, pythonCompile: pythonCompiled, compiled, mismatches };
}
