import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { CavraError, bundledPackSource, type PackSource } from '@cavra/policy-model';
import { directoryPackSource } from '@cavra/policy-model/node';
import {
  PREPARED_POLICY_CACHE_LIMIT,
  createDecisionEngine,
  isPlainPackName,
  parseActionRequest,
  preparedPolicyCacheSize,
} from '@cavra/engine';

describe('createDecisionEngine', () => {
  const engine = createDecisionEngine();

  it('blocks a read of ./.env with the baseline pack (the path is normalised first)', () => {
    const decision = engine.decideCore({ action_type: 'read_file', target: './.env' });
    expect(decision.decision).toBe('block');
    expect(decision.target).toBe('.env');
  });

  it('adds the four volatile fields in the envelope', () => {
    const decision = engine.decide({ action_type: 'read_file', target: 'README.md' });
    expect(decision.decision_id).toMatch(/^dec_[0-9a-f]{12}$/);
    expect(Object.keys(decision)).toContain('timestamp');
  });

  it('refuses an unknown pack with a typed error', () => {
    expect(() => engine.decideCore({ action_type: 'read_file', target: 'a', policy_pack: 'no-such-pack' })).toThrow(
      CavraError,
    );
  });
});

describe('parseActionRequest', () => {
  it('refuses a non-object with Python\'s TypeError line', () => {
    expect(() => parseActionRequest([])).toThrow(expect.objectContaining({ code: 'invalid_request' }));
  });
  it('refuses a request without action_type with KeyError', () => {
    expect(() => parseActionRequest({ target: 'x' })).toThrow(
      expect.objectContaining({ python: "KeyError: 'action_type'" }),
    );
  });
});

describe('registry documents', () => {
  const mcpCall = { action_type: 'mcp_tool_call', server: 'github-mcp', tool: 'create_issue' };

  it.each([
    ['null', null],
    ['[]', []],
    ['false', false],
    ['0', 0n],
    ['""', ''],
  ])('refuses %s instead of turning registry mode off', (_name, document) => {
    expect(() => createDecisionEngine({ registry: document })).toThrow(
      expect.objectContaining({ code: 'registry_invalid' }),
    );
  });

  it('treats {} as registry mode with no servers: the server is unknown, not decided by the pack', () => {
    const empty = createDecisionEngine({ registry: new Map() }).decideCore(mcpCall);
    const none = createDecisionEngine().decideCore(mcpCall);
    expect(empty.rule_id).toBe('mcp.registry.unknown');
    expect(none.rule_id).not.toBe('mcp.registry.unknown');
  });
});

describe('pack ids', () => {
  const packRoot = mkdtempSync(join(tmpdir(), 'cavra-engine-packs-'));
  const evil = mkdtempSync(join(tmpdir(), 'cavra-engine-evil-'));
  // A pack "the agent wrote itself": allows reading .env.
  writeFileSync(
    join(evil, 'policy.yaml'),
    'metadata:\n  id: evil\n  title: Evil\nfilesystem:\n  block_read: []\n',
  );
  mkdirSync(join(packRoot, 'cavra-local'));
  writeFileSync(join(packRoot, 'cavra-local', 'policy.yaml'), 'metadata:\n  id: cavra-local\n  title: Local\nfilesystem:\n  block_read:\n    - ".env"\n');
  const packs = directoryPackSource(packRoot);
  const readEnv = (policy_pack: string) => ({ action_type: 'read_file', target: '.env', policy_pack });
  const relativeEvil = relative(packRoot, evil);

  it.each([evil, `/${evil}`, relativeEvil, `./cavra-local`, 'cavra-local/', '.', '..', 'a\\b', 'a\u0000b'])(
    'refuses the path-like id %j by default with pack_not_found',
    (id) => {
      expect(() => createDecisionEngine({ packs }).decideCore(readEnv(id))).toThrow(
        expect.objectContaining({ code: 'pack_not_found' }),
      );
    },
  );

  it('keeps Python\'s path join with allowPackPaths', () => {
    const engine = createDecisionEngine({ packs, allowPackPaths: true });
    expect(engine.decideCore(readEnv(evil)).decision).toBe('allow');
    expect(engine.decideCore(readEnv(relativeEvil)).decision).toBe('allow');
    expect(engine.decideCore(readEnv('cavra-local/')).decision).toBe('block');
    // A cache entry made with paths allowed does not leak into a strict engine over the same source.
    expect(() => createDecisionEngine({ packs }).decideCore(readEnv(evil))).toThrow(
      expect.objectContaining({ code: 'pack_not_found' }),
    );
  });

  it('defines plain names precisely', () => {
    expect(['cavra-hipaa', 'a.b', '...', 'x y', 'é'].every(isPlainPackName)).toBe(true);
    expect(['', '.', '..', 'a/b', '/a', 'a\\b', 'a\u0000'].some(isPlainPackName)).toBe(false);
  });

  it('pins the pack: unlabelled requests use it, another label is refused', () => {
    const engine = createDecisionEngine({ packs, pinnedPolicyPack: 'cavra-local' });
    const unlabelled = engine.decideCore({ action_type: 'read_file', target: '.env' });
    expect(unlabelled).toMatchObject({ decision: 'block', policy_pack: 'cavra-local' });
    expect(engine.decideCore(readEnv('cavra-local')).decision).toBe('block');
    expect(() => engine.decideCore(readEnv('cavra-ai-agent-baseline'))).toThrow(
      expect.objectContaining({ code: 'pack_not_allowed' }),
    );
    expect(() => engine.decideCore(readEnv(evil))).toThrow(expect.objectContaining({ code: 'pack_not_allowed' }));
  });

  it('fails at creation for a pinned pack that does not exist or is a path', () => {
    expect(() => createDecisionEngine({ packs, pinnedPolicyPack: 'cavra-missing' })).toThrow(
      expect.objectContaining({ code: 'pack_not_found' }),
    );
    expect(() => createDecisionEngine({ packs, pinnedPolicyPack: evil })).toThrow(
      expect.objectContaining({ code: 'pack_not_found' }),
    );
  });
});

describe('prepared-policy cache', () => {
  it('stays bounded over 50,000 distinct labels, and decisions stay identical', { timeout: 60_000 }, () => {
    // A source of its own (the bundled packs behind a new object), so the count is this test's.
    const engineSource: PackSource = { ...bundledPackSource };
    const bundled = createDecisionEngine();
    const engine = createDecisionEngine({ packs: engineSource });
    const first = engine.decideCore({ action_type: 'read_file', target: '.env', policy_pack: 'cavra-hipaa' });
    let refused = 0;
    for (let i = 0; i < 50_000; i++) {
      try {
        engine.decideCore({ action_type: 'read_file', target: 'x', policy_pack: `cavra-unknown-${i}` });
      } catch (error) {
        if (error instanceof CavraError && error.code === 'pack_not_found') refused++;
      }
    }
    expect(refused).toBe(50_000);
    expect(preparedPolicyCacheSize(engineSource)).toBe(PREPARED_POLICY_CACHE_LIMIT);
    // The evicted pack is loaded again and decides the same.
    expect(engine.decideCore({ action_type: 'read_file', target: '.env', policy_pack: 'cavra-hipaa' })).toEqual(first);
    expect(bundled.decideCore({ action_type: 'read_file', target: '.env', policy_pack: 'cavra-hipaa' })).toEqual(first);
  });
});
