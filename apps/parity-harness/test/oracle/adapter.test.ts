import { describe, expect, it } from 'vitest';
import { fromPlainJson, isPyDict, type PyDict } from '@cavra/policy-model';
import { AdapterClient } from '../../src/oracle/adapter.js';
import { adapterKindLine } from '../../src/oracle/adapter-oracle.js';
import { HarnessError } from '../../src/errors.js';
import { standinCheckout } from '../helpers/standin.js';

const decisionLine = (fields: Record<string, unknown>): string =>
  JSON.stringify({ policy_pack: 'cavra-ai-agent-baseline', ...fields });

/** Plumbing against the stand-in `cavra` package (not parity): start, framing, errors, shutdown, batching. */
describe('AdapterClient with the stand-in cavra package', () => {
  it('starts, says hello, answers in order and shuts down cleanly', async () => {
    const { client, hello } = await AdapterClient.start({ checkout: standinCheckout() });
    expect(hello).toMatchObject({ adapter: 'cavra-parity-adapter', protocol: 1, cavra: '0.1.0' });
    expect(hello.policyRoot).toMatch(/packages\/policy-model\/packs$/);
    expect(hello.kinds).toEqual(['decision', 'route']);
    const answers = await client.request([
      decisionLine({ action_type: 'read_file', target: './.env' }),
      decisionLine({ action_type: 'git_operation', target: 'origin/main', session_id: '' }),
    ]);
    expect(answers.map((a) => (isPyDict(a) ? a.get('rule_id') : a))).toEqual([
      'filesystem.read.block',
      'git.protected_branch.block_direct_push',
    ]);
    const git = answers[1];
    expect(isPyDict(git) && String((git.get('evidence_refs') as string[])[0])).toMatch(
      /^evidence:\/\/\/dec_[0-9a-f]{12}$/,
    );
    expect(await client.close()).toBe(0);
  });

  it('dispatches on the request kind: decision by default or by name, an unknown kind is an error line', async () => {
    const { client } = await AdapterClient.start({ checkout: standinCheckout() });
    const request = fromPlainJson({ action_type: 'read_file', target: './.env' }) as PyDict;
    const answers = await client.request([
      adapterKindLine('decision', request),
      adapterKindLine('release_record', request),
      JSON.stringify({ __kind__: 7, action_type: 'read_file', target: './.env' }),
    ]);
    expect(isPyDict(answers[0]) && answers[0].get('rule_id')).toBe('filesystem.read.block');
    expect(answers.slice(1).map((a) => (isPyDict(a) ? a.get('error') : a))).toEqual([
      "ValueError: unknown request kind: 'release_record'",
      'ValueError: unknown request kind: 7',
    ]);
    expect(await client.close()).toBe(0);
  });

  it('frames unicode, line separators and long lines; reports errors per line', async () => {
    const { client } = await AdapterClient.start({ checkout: standinCheckout() });
    const long = 'x'.repeat(200_000);
    const lines = [
      decisionLine({ action_type: 'execute_command', target: '\u2028terraform plan é😀\u2029' }),
      '',
      '[1, 2]',
      '{not json',
      decisionLine({ action_type: 'read_file' }),
      decisionLine({ action_type: 'pull_request', target: 'x' }),
      JSON.stringify({ action_type: 'read_file', target: 'x', policy_pack: 'nope' }),
      decisionLine({ action_type: 'read_file', target: long }),
      JSON.stringify({
        action_type: 'mcp_tool_call',
        server: 's',
        tool: 't',
        registry: { mcp_servers: [{ server_id: 's', trust_tier: 'Approved' }] },
      }),
    ];
    const answers = await client.send(lines);
    expect(answers).toHaveLength(lines.length);
    const parsed = answers.map((a) => JSON.parse(a) as Record<string, string>);
    expect(parsed[0]?.target).toBe('terraform plan é😀');
    expect(parsed[1]?.error).toBe('ValueError: empty request line');
    expect(parsed[2]?.error).toBe('TypeError: request must be a JSON object');
    expect(parsed[3]?.error).toMatch(/^JSONDecodeError: /);
    expect(parsed[4]?.error).toBe("KeyError: 'target'");
    expect(parsed[5]?.error).toBe('AssertionError: unsupported parity action: pull_request');
    expect(parsed[6]?.error).toBe("PolicyRegistryError: Policy pack 'nope' not found.");
    expect(parsed[7]?.target).toHaveLength(200_000);
    expect(parsed[8]?.error).toBe(
      'ValueError: MCP trust_tier must be one of: approved, blocked, experimental, trusted, unknown',
    );
    await client.close();
  });

  it('pipelines large batches without a process per case and keeps the order', async () => {
    const { client } = await AdapterClient.start({ checkout: standinCheckout() });
    const n = 20_000;
    const lines = Array.from({ length: n }, (_, i) =>
      decisionLine({ action_type: 'execute_command', target: `cmd ${i}`, session_id: `s${i}` }),
    );
    const t0 = performance.now();
    const answers = await client.request(lines);
    const ms = performance.now() - t0;
    expect(answers).toHaveLength(n);
    answers.forEach((a, i) => {
      expect(isPyDict(a) && a.get('session_id')).toBe(`s${i}`);
    });
    // Recorded in the test output: the pipe's rate with the stand-in.
    console.info(`adapter pipe: ${n} cases in ${ms.toFixed(0)} ms = ${Math.round((n / ms) * 1000)} cases/s`);
    expect(client.answered).toBe(n + 1);
    await client.close();
  });

  it('fails with a clear setup error when cavra cannot be imported', async () => {
    const started = AdapterClient.start({
      checkout: standinCheckout(),
      env: { CAVRA_STANDIN_PLANT: 'crash-on-start' },
    });
    await expect(started).rejects.toBeInstanceOf(HarnessError);
    await expect(started).rejects.toMatchObject({ code: 'adapter_start_failed' });
    await expect(started).rejects.toThrow(
      /cannot import cavra: ImportError: stand-in cavra: planted import failure/,
    );
  });

  it('fails at start when a compiled policy cannot be forced into RuntimeGuard', async () => {
    const started = AdapterClient.start({
      checkout: standinCheckout(),
      env: { CAVRA_STANDIN_PLANT: 'load-via-get-pack' },
    });
    await expect(started).rejects.toMatchObject({ code: 'adapter_start_failed' });
    await expect(started).rejects.toThrow(
      /cannot force a compiled policy into RuntimeGuard: AdapterSetupError/,
    );
  });

  it('fails with a clear setup error when the interpreter does not exist', async () => {
    const started = AdapterClient.start({
      checkout: { ...standinCheckout(), python: '/nonexistent/python3' },
    });
    await expect(started).rejects.toMatchObject({ code: 'adapter_start_failed' });
  });

  it('rejects pending requests when the adapter dies, and refuses new ones', async () => {
    const { client } = await AdapterClient.start({ checkout: standinCheckout() });
    const pending = client.send(
      Array.from({ length: 50_000 }, () => decisionLine({ action_type: 'read_file', target: 'x' })),
    );
    client.kill();
    await expect(pending).rejects.toMatchObject({ code: 'adapter_exited' });
    await expect(client.send(['{}'])).rejects.toMatchObject({ code: 'adapter_exited' });
  });
});
