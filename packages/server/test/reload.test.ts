import { copyFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { PolicyHolder, type CavraServer } from '@cavra/server';
import { compiledPolicyLoader, httpExchange, socketExchange, startServer, tempDir } from './support/test-server.js';

const COMPILED = fileURLToPath(new URL('../../../fixtures/oracle/compiled/', import.meta.url));
const POLICY_A = `${COMPILED}cavra-ai-agent-baseline.json`;
const POLICY_B = `${COMPILED}cavra-banking-baseline.json`;
const IDS = ['cavra-ai-agent-baseline', 'cavra-banking-baseline'];

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Replaces the file in one step (as editors and deploy tools do), so a reader never sees half a file. */
function replaceFile(target: string, content: string | { from: string }): void {
  const next = `${target}.next`;
  if (typeof content === 'string') writeFileSync(next, content);
  else copyFileSync(content.from, next);
  renameSync(next, target);
}

describe('PolicyHolder', () => {
  it('swaps in a valid policy and refuses an invalid one, keeping the last good policy', () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const file = join(dir, 'policy.json');
    copyFileSync(POLICY_A, file);
    const fakeClock = (): Date => new Date('2026-01-02T03:04:05.000Z');
    const holder = new PolicyHolder(compiledPolicyLoader(file).loadPolicy, fakeClock);
    const first = holder.current;
    copyFileSync(POLICY_B, file);
    expect(holder.reload()).toMatchObject({ ok: true, changed: true });
    expect(holder.current).not.toBe(first);
    const good = holder.current;
    writeFileSync(file, '{"metadata": ');
    expect(holder.reload()).toMatchObject({ ok: false, error: { code: 'policy_invalid' } });
    expect(holder.current).toBe(good);
    expect(holder.status()).toMatchObject({
      digest: good.digest,
      loadedAt: '2026-01-02T03:04:05.000Z',
      lastReloadError: { code: 'policy_invalid', at: '2026-01-02T03:04:05.000Z' },
      reloads: { ok: 1, failed: 1 },
    });
  });
});

describe('hot reload under load', () => {
  it('answers every request with a whole policy while good and bad policies are swapped in by the file watch', { timeout: 30_000 }, async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const file = join(dir, 'policy.json');
    copyFileSync(POLICY_A, file);
    const socketPath = join(dir, 's.sock');
    const server: CavraServer = await startServer({
      ...compiledPolicyLoader(file),
      socketPath,
      http: { host: '127.0.0.1', port: 0 },
      watch: { debounceMs: 20, pollMs: 50 },
    });
    cleanups.push(() => server.close());
    const port = server.httpAddress?.port as number;
    let running = true;
    const seen = new Set<string>();
    const failures: string[] = [];
    const request = `${JSON.stringify({ action_type: 'read_file', target: 'terraform.tfstate' })}\n`;
    const client = async (): Promise<void> => {
      while (running) {
        for (const line of (await socketExchange(socketPath, request.repeat(20))).trimEnd().split('\n')) {
          const answer = JSON.parse(line) as { policy_id?: string; error?: unknown };
          if (!answer.policy_id || !IDS.includes(answer.policy_id)) failures.push(line);
          else seen.add(answer.policy_id);
        }
        const http = await httpExchange(port, 'POST', '/v1/decisions', request);
        if (http.status !== 200) failures.push(http.body);
      }
    };
    const clients = Array.from({ length: 4 }, () => client());
    const waitFor = async (predicate: () => boolean): Promise<void> => {
      const deadline = Date.now() + 10_000;
      while (!predicate()) {
        if (Date.now() > deadline) throw new Error('timed out waiting for a reload');
        await new Promise((done) => setTimeout(done, 20));
      }
    };
    for (let round = 0; round < 3; round++) {
      replaceFile(file, { from: POLICY_B });
      await waitFor(() => server.status().reloads.ok === round * 2 + 1);
      replaceFile(file, '{"metadata": {"id": 5}}');
      await waitFor(() => server.status().reloads.failed === round + 1);
      expect(server.status().lastReloadError).toMatchObject({ code: 'policy_invalid' });
      replaceFile(file, { from: POLICY_A });
      await waitFor(() => server.status().reloads.ok === round * 2 + 2);
    }
    running = false;
    await Promise.all(clients);
    expect(failures).toEqual([]);
    expect([...seen].sort()).toEqual(IDS);
    const ready = JSON.parse((await httpExchange(port, 'GET', '/readyz')).body) as Record<string, unknown>;
    expect(ready).toMatchObject({ last_reload_error: null, reloads: { ok: 6, failed: 3 } });
    const metrics = (await httpExchange(port, 'GET', '/metrics')).body;
    expect(metrics).toContain('cavra_policy_reloads_total{result="ok"} 6');
    expect(metrics).toContain('cavra_policy_reloads_total{result="failed"} 3');
  });
});
