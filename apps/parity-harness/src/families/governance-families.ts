import { join } from 'node:path';
import { dumpsPyJson, type PackSource } from '@cavra/policy-model';
import { AdapterClient } from '../oracle/adapter.js';
import type { PythonCheckout } from '../oracle/python-env.js';
import type { MismatchRecord, PackResult } from '../run/types.js';
import { runApprovalRoutingLive, runApprovalRoutingRecorded, routingFilesIn } from './approval-routing.js';
import type { FamilyOracle, FamilyTally } from './family.js';
import { runReleaseGovernanceLive, runReleaseGovernanceRecorded } from './release-governance.js';

export { APPROVAL_ROUTING_FAMILY, generateRoutingRequests, routeWithTypescript } from './approval-routing.js';
export { RELEASE_GOVERNANCE_FAMILY, decideReleaseGovernance, releaseGovernanceRequestArbitrary } from './release-governance.js';
export { FamilyTally, type FamilyOracle } from './family.js';

export interface FamiliesResult {
  packs: PackResult[];
  mismatches: MismatchRecord[];
}

function collect(tallies: readonly { tally: FamilyTally; ms: number }[]): FamiliesResult {
  return {
    packs: tallies.map(({ tally, ms }) => tally.packResult(ms)),
    mismatches: tallies.flatMap(({ tally }) => tally.mismatches),
  };
}

/** Recorded mode: the recorded release-governance decisions and approval routings. */
export function runRecordedFamilies(oracleDir: string, packSource: PackSource): FamiliesResult {
  const t0 = performance.now();
  const rg = runReleaseGovernanceRecorded(oracleDir, packSource);
  const t1 = performance.now();
  const routing = runApprovalRoutingRecorded(oracleDir);
  return collect([
    { tally: rg, ms: t1 - t0 },
    { tally: routing, ms: performance.now() - t1 },
  ]);
}

export interface LiveFamiliesOptions {
  /** The live oracle; default: a dedicated adapter process for the checkout. */
  oracle?: FamilyOracle;
  checkout: PythonCheckout;
  pythonEnv?: Readonly<Record<string, string>>;
  adapterScript?: string;
  packSource: PackSource;
  packs: readonly string[];
  seed: number;
  numRuns: number;
  oracleDir: string;
  /** Routing files the generated requests may name; default: every recorded routing file. */
  routingFiles?: readonly string[];
}

/**
 * Live mode: generated release-governance records and routing requests for every pack, answered
 * by the adapter's two request kinds. A quarter of `--num-runs` per pack and family.
 */
export async function runLiveFamilies(options: LiveFamiliesOptions): Promise<FamiliesResult> {
  let client: AdapterClient | undefined;
  const oracle: FamilyOracle =
    options.oracle ??
    (async (requests) => {
      client ??= (
        await AdapterClient.start({
          checkout: options.checkout,
          ...(options.pythonEnv ? { env: options.pythonEnv } : {}),
          ...(options.adapterScript ? { script: options.adapterScript } : {}),
        })
      ).client;
      return client.request(requests.map((r) => dumpsPyJson(r, { ensureAscii: false })));
    });
  const casesPerPack = Math.max(20, Math.ceil(options.numRuns / 4));
  try {
    const t0 = performance.now();
    const rg = await runReleaseGovernanceLive({ oracle, packSource: options.packSource, packs: options.packs, seed: options.seed, casesPerPack });
    const t1 = performance.now();
    const routing = await runApprovalRoutingLive({
      oracle,
      packSource: options.packSource,
      packs: options.packs,
      seed: options.seed,
      casesPerPack,
      routingFiles: options.routingFiles ?? routingFilesIn(join(options.oracleDir, 'approval-routing', 'files')),
      cwd: options.checkout.root,
    });
    return collect([
      { tally: rg, ms: t1 - t0 },
      { tally: routing, ms: performance.now() - t1 },
    ]);
  } finally {
    await client?.close();
  }
}
