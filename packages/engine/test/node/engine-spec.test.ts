import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { bundledPackSource } from '@cavra/policy-model';
import { directoryPackSource, loadPolicyJsonFile } from '@cavra/policy-model/node';
import { readTrustRegistryDocument } from '@cavra/registry/node';
import { BatchStream, createDecisionEngine, engineAnswerer } from '@cavra/engine';
import { engineOptionsOf, packDirectoryOf, runPooledBatch, type DecisionEngineSpec, type BatchWorkerPool } from '@cavra/engine/node';
import { ORACLE_DIR, readCorpus } from '@cavra/test-fixtures';
import { sourcePool, withoutVolatileFields } from './support/pool.js';

const corpus = readCorpus();
const withPolicy = corpus.filter((c) => c.policy_file !== undefined && c.registry === undefined);
const withRegistry = corpus.filter((c) => c.registry !== undefined && c.policy_file === undefined);
const policyFile = `${ORACLE_DIR}${withPolicy[0]?.policy_file as string}`;
const registryFile = `${ORACLE_DIR}${withRegistry[0]?.registry as string}`;
const policySpec: DecisionEngineSpec = { compiledPolicy: { text: readFileSync(policyFile, 'utf8'), where: `policy file ${policyFile}` } };
const registrySpec: DecisionEngineSpec = { registry: { text: readFileSync(registryFile, 'utf8'), path: registryFile } };
const policyCases = withPolicy.filter((c) => c.policy_file === withPolicy[0]?.policy_file).slice(0, 200);
const registryCases = withRegistry.filter((c) => c.registry === withRegistry[0]?.registry).slice(0, 200);

const pools: BatchWorkerPool[] = [];
afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.close()));
});

describe('DecisionEngineSpec', () => {
  it('has corpus cases to check with', () => {
    expect(policyCases.length).toBeGreaterThan(10);
    expect(registryCases.length).toBeGreaterThan(10);
  });

  it('builds the engine the file loaders build, also after a structured clone (as a worker receives it)', () => {
    const loaded = {
      policy: createDecisionEngine({ compiledPolicy: loadPolicyJsonFile(policyFile) }),
      registry: createDecisionEngine({ registry: readTrustRegistryDocument(registryFile) }),
    };
    const fromSpec = {
      policy: createDecisionEngine(engineOptionsOf(structuredClone(policySpec))),
      registry: createDecisionEngine(engineOptionsOf(structuredClone(registrySpec))),
    };
    for (const c of policyCases) expect(fromSpec.policy.decideCore(c.request)).toEqual(loaded.policy.decideCore(c.request));
    for (const c of registryCases) expect(fromSpec.registry.decideCore(c.request)).toEqual(loaded.registry.decideCore(c.request));
  });

  it('records a pack directory by its root, and none for the bundled packs', () => {
    expect(packDirectoryOf(bundledPackSource)).toBeUndefined();
    const dir = `${ORACLE_DIR}policies-variant`;
    const root = packDirectoryOf(directoryPackSource(dir)) as string;
    expect(root).toMatch(/policies-variant$/);
    expect(engineOptionsOf({ packDirectory: root }).packs?.root).toBe(root);
    expect(engineOptionsOf({}).packs).toBe(bundledPackSource);
  });

  it('throws the loaders\' errors for a bad text, before any worker starts', () => {
    expect(() => engineOptionsOf({ compiledPolicy: { text: '{', where: 'policy file p.json' } })).toThrow(
      expect.objectContaining({ code: 'policy_invalid' }),
    );
    expect(() => engineOptionsOf({ registry: { text: '[', path: 'r.json' } })).toThrow(
      expect.objectContaining({ code: 'registry_invalid' }),
    );
  });

  it.each([
    ['a compiled policy', policySpec, policyCases],
    ['a trust registry', registrySpec, registryCases],
    ['a pinned pack with pack paths allowed', { pinnedPolicyPack: 'cavra-hipaa', allowPackPaths: true }, corpus.slice(0, 200)],
  ] as const)('workers decide with %s exactly as the main thread does', { timeout: 60_000 }, async (_name, spec, cases) => {
    const input = Buffer.from(cases.map((c) => `${JSON.stringify(c.request)}\n`).join(''));
    const answer = engineAnswerer(createDecisionEngine(engineOptionsOf(spec)));
    const stream = new BatchStream(answer);
    const expected = withoutVolatileFields(`${stream.push(input)?.toString('utf8') ?? ''}${stream.end()?.toString('utf8') ?? ''}`);
    const pool = sourcePool(2, spec);
    pools.push(pool);
    const out: Buffer[] = [];
    await runPooledBatch(Readable.from([input]), (bytes) => void out.push(Buffer.from(bytes)), {
      answer,
      pool: () => pool,
      blockLines: 16,
      // every block to a worker (by default this thread would decide while they start)
      mainThreadDecides: false,
    });
    expect(withoutVolatileFields(Buffer.concat(out).toString('utf8'))).toBe(expected);
  });
});
