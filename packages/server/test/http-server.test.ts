import { afterEach, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { createCavraServer, type CavraServer, type HookHandler } from '@cavra/server';
import {
  InMemoryEvidenceSinkDouble,
  bundledLoader,
  httpExchange,
  startServer,
} from './support/test-server.js';

const servers: CavraServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function http(options: Parameters<typeof startServer>[0] extends infer O ? Partial<O> : never = {}): Promise<{ server: CavraServer; port: number }> {
  const server = await startServer({ ...bundledLoader, http: { host: '127.0.0.1', port: 0 }, ...options });
  servers.push(server);
  return { server, port: server.httpAddress?.port as number };
}

const envRead = JSON.stringify({ action_type: 'read_file', target: './.env' });

describe('HTTP server', () => {
  it('POST /v1/decisions answers the 17-key decision; bad input is 400 with the CLI\'s error object', async () => {
    const { port } = await http();
    const ok = await httpExchange(port, 'POST', '/v1/decisions', envRead);
    expect(ok.status).toBe(200);
    const decision = JSON.parse(ok.body) as Record<string, unknown>;
    expect(Object.keys(decision)).toHaveLength(17);
    expect(decision).toMatchObject({ decision: 'block', target: '.env' });
    const bad = await httpExchange(port, 'POST', '/v1/decisions', '{"target": 5}');
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toMatchObject({ error: { code: 'invalid_request' } });
    const notJson = await httpExchange(port, 'POST', '/v1/decisions', 'nope');
    expect(JSON.parse(notJson.body)).toMatchObject({ error: { code: 'invalid_json' } });
  });

  it('POST /v1/decisions:batch streams JSON Lines, one answer per line, in order', async () => {
    const { port } = await http();
    const lines = Array.from({ length: 300 }, (_, i) => JSON.stringify({ action_type: 'read_file', target: `x${i}` }));
    const answer = await httpExchange(port, 'POST', '/v1/decisions:batch', `${lines.join('\n')}\n\n`);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/x-ndjson');
    const out = answer.body.split('\n');
    expect(out.pop()).toBe('');
    expect(out).toHaveLength(301);
    out.slice(0, 300).forEach((line, i) => expect(JSON.parse(line)).toMatchObject({ target: `x${i}` }));
    expect(JSON.parse(out[300] as string)).toMatchObject({ error: { code: 'invalid_request' } });
  });

  it('refuses an oversized body with 413 and closes the connection', async () => {
    const { port } = await http({ http: { host: '127.0.0.1', port: 0, limits: { maxBodyBytes: 1000 } } });
    const big = JSON.stringify({ action_type: 'read_file', target: 'a'.repeat(2000) });
    const answer = await httpExchange(port, 'POST', '/v1/decisions', big);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'request_too_large' } });
  });

  it('GET /healthz, /readyz (policy digest, loaded-at, last reload error) and /metrics (Prometheus text)', async () => {
    const { port } = await http();
    await httpExchange(port, 'POST', '/v1/decisions', envRead);
    await httpExchange(port, 'POST', '/v1/decisions', 'bad');
    expect((await httpExchange(port, 'GET', '/healthz')).status).toBe(200);
    const ready = JSON.parse((await httpExchange(port, 'GET', '/readyz')).body) as Record<string, unknown>;
    expect(ready).toMatchObject({ status: 'ready', policy_digest: 'bundled', last_reload_error: null });
    expect(Number.isNaN(Date.parse(ready.loaded_at as string))).toBe(false);
    const metrics = await httpExchange(port, 'GET', '/metrics');
    expect(metrics.headers['content-type']).toMatch(/^text\/plain/);
    expect(metrics.body).toContain('cavra_decisions_total{decision="block",rule_id="filesystem.read.block"} 1');
    expect(metrics.body).toContain('cavra_errors_total{code="invalid_json"} 1');
    expect(metrics.body).toContain('cavra_decision_duration_seconds_count 1');
    expect(metrics.body).toContain('cavra_policy_reloads_total{result="failed"} 0');
  });

  it('answers 404 with an error object for an unknown path', async () => {
    const { port } = await http();
    const answer = await httpExchange(port, 'GET', '/nope');
    expect(answer.status).toBe(404);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'not_found' } });
  });

  it('requires the bearer token when one is set (not for /healthz)', async () => {
    const token = 'a-long-enough-test-token';
    const { port } = await http({ http: { host: '127.0.0.1', port: 0, token } });
    expect((await httpExchange(port, 'GET', '/healthz')).status).toBe(200);
    const missing = await httpExchange(port, 'POST', '/v1/decisions', envRead);
    expect(missing.status).toBe(401);
    expect(JSON.parse(missing.body)).toMatchObject({ error: { code: 'unauthorized' } });
    expect((await httpExchange(port, 'POST', '/v1/decisions', envRead, { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await httpExchange(port, 'POST', '/v1/decisions', envRead, { authorization: `Bearer ${token}` })).status).toBe(200);
  });

  it('bounds concurrency: over the limit is 503 with Retry-After', async () => {
    const { port } = await http({ http: { host: '127.0.0.1', port: 0, limits: { maxConcurrentRequests: 1 } } });
    // Hold one request open: headers sent, body not finished.
    const holder = connect(port, '127.0.0.1');
    await new Promise<void>((done) => holder.once('connect', () => done()));
    holder.write('POST /v1/decisions:batch HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n');
    await new Promise((done) => setTimeout(done, 100));
    const refused = await httpExchange(port, 'POST', '/v1/decisions', envRead);
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('1');
    expect(JSON.parse(refused.body)).toMatchObject({ error: { code: 'server_unavailable' } });
    holder.destroy();
  });

  it('drops a client that does not finish its headers in time (slow client)', async () => {
    const { port } = await http({ http: { host: '127.0.0.1', port: 0, limits: { headersTimeoutMs: 300, requestTimeoutMs: 600 } } });
    const slow = connect(port, '127.0.0.1');
    await new Promise<void>((done) => slow.once('connect', () => done()));
    slow.write('POST /v1/decisions HTTP/1.1\r\nHost: x\r\n');
    const started = Date.now();
    const response = await new Promise<string>((done) => {
      let text = '';
      slow.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      slow.on('close', () => done(text));
    });
    expect(Date.now() - started).toBeLessThan(4000);
    expect(response).toMatch(/^HTTP\/1\.1 408 Request Timeout/);
  });

  it('records every decision in the evidence sink and adds its reference; a failed append is an error, never an allow', async () => {
    const sink = new InMemoryEvidenceSinkDouble();
    const { server, port } = await http({ evidenceSink: sink });
    const allow = JSON.parse((await httpExchange(port, 'POST', '/v1/decisions', '{"action_type":"read_file","target":"a"}')).body) as {
      evidence_refs: string[];
      decision_id: string;
    };
    expect(allow.evidence_refs).toEqual([`evidence://local/${allow.decision_id}`, 'evidence-log://test/1']);
    expect(sink.entries[0]?.decision).toMatchObject({ decision: 'allow', decision_id: allow.decision_id });
    sink.failing = true;
    const refused = await httpExchange(port, 'POST', '/v1/decisions', '{"action_type":"read_file","target":"a"}');
    expect(refused.status).toBe(503);
    expect(JSON.parse(refused.body)).toMatchObject({ error: { code: 'evidence_unavailable' } });
    const batch = await httpExchange(port, 'POST', '/v1/decisions:batch', '{"action_type":"read_file","target":"a"}\n');
    expect(JSON.parse(batch.body)).toMatchObject({ error: { code: 'evidence_unavailable' } });
    servers.splice(servers.indexOf(server), 1);
    await server.close();
    expect(sink.closed).toBe(true);
  });

  it('routes POST /v1/hooks/<agent> to the registered handler, 404 for an unknown agent', async () => {
    const hookHandlerDouble: HookHandler = (event, context) => {
      const decision = context.decide({ action_type: 'read_file', target: (event as { path: string }).path });
      return { status: 200, body: JSON.stringify({ verdict: decision.decision }) };
    };
    const { port } = await http({ hooks: { 'test-agent': hookHandlerDouble } });
    const answer = await httpExchange(port, 'POST', '/v1/hooks/test-agent', '{"path": ".env"}');
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ verdict: 'block' });
    const unknown = await httpExchange(port, 'POST', '/v1/hooks/other', '{}');
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body)).toMatchObject({ error: { code: 'not_found' } });
    expect((await httpExchange(port, 'POST', '/v1/hooks/test-agent', 'nope')).status).toBe(400);
  });

  it('a server without HTTP has no address', async () => {
    const server = createCavraServer({ ...bundledLoader, watch: false });
    await server.start();
    expect(server.httpAddress).toBeUndefined();
    await server.close();
  });
});
