import { afterEach, describe, expect, it } from 'vitest';
import { fc } from '@fast-check/vitest';
import { connect, type Socket } from 'node:net';
import { HttpServer, INCOMPLETE, NOT_FAST, createDecisionService, parseFastHead, ServerMetrics, type CavraServer } from '@cavra/server';
import { PolicyHolder } from '../src/policy-state.js';
import { bundledLoader, startServer } from './support/test-server.js';

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

const decisionBody = (target: string): string => JSON.stringify({ action_type: 'read_file', target });
const post = (body: string, headers: string[] = [], path = '/v1/decisions'): string =>
  `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers.map((h) => `${h}\r\n`).join('')}` +
  `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

/** An HTTP server over the bundled packs, with or without the fast path (no CavraServer around it). */
async function httpServer(options: { fastPath: boolean; token?: string; limits?: Record<string, number> }): Promise<{ port: number; metrics: ServerMetrics; server: HttpServer }> {
  const metrics = new ServerMetrics();
  const policy = new PolicyHolder(bundledLoader.loadPolicy);
  const service = createDecisionService(policy, metrics, undefined);
  const server = new HttpServer({
    host: '127.0.0.1',
    port: 0,
    service,
    policy,
    metrics,
    fastPath: options.fastPath,
    ...(options.token !== undefined ? { token: options.token } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
  });
  const address = await server.listen();
  servers.push(server);
  return { port: address.port, metrics, server };
}

interface RawResponse {
  status: number;
  /** Header lines as sent, `Date` value blanked. */
  headers: string[];
  body: string;
}

/** Splits a raw HTTP/1.1 response stream (Content-Length or chunked bodies) into responses. */
function parseResponses(bytes: Buffer): RawResponse[] {
  const responses: RawResponse[] = [];
  let at = 0;
  while (at < bytes.length) {
    const headEnd = bytes.indexOf('\r\n\r\n', at);
    if (headEnd === -1) throw new Error(`truncated response head: ${bytes.toString('latin1', at)}`);
    const [statusLine, ...headers] = bytes.toString('latin1', at, headEnd).split('\r\n') as [string, ...string[]];
    const lower = headers.map((h) => h.toLowerCase());
    let body: Buffer;
    at = headEnd + 4;
    if (lower.includes('transfer-encoding: chunked')) {
      const parts: Buffer[] = [];
      for (;;) {
        const sizeEnd = bytes.indexOf('\r\n', at);
        const size = parseInt(bytes.toString('latin1', at, sizeEnd), 16);
        at = sizeEnd + 2;
        if (size === 0) {
          at += 2;
          break;
        }
        parts.push(bytes.subarray(at, at + size));
        at += size + 2;
      }
      body = Buffer.concat(parts);
    } else {
      const length = Number(lower.find((h) => h.startsWith('content-length:'))?.slice(15).trim() ?? 0);
      body = bytes.subarray(at, at + length);
      at += length;
    }
    responses.push({
      status: Number(statusLine.split(' ')[1]),
      headers: headers.map((h) => (h.toLowerCase().startsWith('date:') ? 'Date: -' : h)),
      body: body.toString('utf8'),
    });
  }
  return responses;
}

/** The answer without its per-decision ids and time (they differ between any two decisions). */
function deterministic(body: string): string {
  return body
    .split('\n')
    .map((line) => {
      if (line === '') return line;
      const value = JSON.parse(line) as Record<string, unknown>;
      for (const key of ['decision_id', 'correlation_id', 'timestamp', 'evidence_refs']) delete value[key];
      return JSON.stringify(value);
    })
    .join('\n');
}

/** Writes `pieces` one by one (each its own read on the server), half-closes, returns all answered. */
async function exchange(port: number, pieces: readonly Buffer[], gapMs = 2): Promise<Buffer> {
  const socket: Socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  socket.setNoDelay(true);
  const chunks: Buffer[] = [];
  const ended = new Promise<void>((done, fail) => {
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => done());
    socket.on('error', fail);
  });
  await new Promise<void>((done) => socket.once('connect', () => done()));
  for (const piece of pieces) {
    socket.write(piece);
    if (gapMs > 0) await new Promise((done) => setTimeout(done, gapMs));
  }
  socket.end();
  await ended;
  socket.destroy();
  return Buffer.concat(chunks);
}

describe('parseFastHead: only the exact fast shape, complete', () => {
  const request = (headers: string[], body = '{}', line = 'POST /v1/decisions HTTP/1.1'): Buffer =>
    Buffer.from(`${line}\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n${body}`);

  it('reads a well-formed request: body bounds, Connection: close, Authorization', () => {
    const head = parseFastHead(request(['Host: x', 'Content-Length: 2', 'connection: Close', 'Authorization: Bearer t']), 1000);
    expect(head).toMatchObject({ contentLength: 2, close: true, authorization: 'Bearer t' });
    expect(typeof head === 'object' && head.bodyStart).toBe(request(['Host: x', 'Content-Length: 2', 'connection: Close', 'Authorization: Bearer t']).length - 2);
    expect(parseFastHead(request(['host:x', 'content-length:   2  ', 'X-Any: a b\tc']), 1000)).toMatchObject({ contentLength: 2, close: false });
  });

  it.each([
    ['another path', request(['Host: x', 'Content-Length: 2'], '{}', 'POST /v1/decisions?x=1 HTTP/1.1')],
    ['another method', request(['Host: x', 'Content-Length: 2'], '{}', 'post /v1/decisions HTTP/1.1')],
    ['HTTP/1.0', request(['Host: x', 'Content-Length: 2'], '{}', 'POST /v1/decisions HTTP/1.0')],
    ['an absolute URL', request(['Host: x', 'Content-Length: 2'], '{}', 'POST http://x/v1/decisions HTTP/1.1')],
    ['no Host', request(['Content-Length: 2'])],
    ['two Host headers', request(['Host: x', 'Host: y', 'Content-Length: 2'])],
    ['no Content-Length', request(['Host: x'], '')],
    ['two Content-Length headers', request(['Host: x', 'Content-Length: 2', 'Content-Length: 2'])],
    ['a signed Content-Length', request(['Host: x', 'Content-Length: +2'])],
    ['a Content-Length list', request(['Host: x', 'Content-Length: 2, 2'])],
    ['Transfer-Encoding (with Content-Length: smuggling shape)', request(['Host: x', 'Content-Length: 2', 'Transfer-Encoding: chunked'])],
    ['Expect: 100-continue', request(['Host: x', 'Content-Length: 2', 'Expect: 100-continue'])],
    ['Upgrade', request(['Host: x', 'Content-Length: 2', 'Upgrade: websocket'])],
    ['Connection: upgrade', request(['Host: x', 'Content-Length: 2', 'Connection: upgrade'])],
    ['a folded header line', request(['Host: x', 'Content-Length: 2', 'X-A: a', ' folded'])],
    ['a space before the colon', request(['Host: x', 'Content-Length : 2'])],
    ['a NUL in a value', request(['Host: x', 'Content-Length: 2', 'X-A: a\u0000b'])],
    ['a bare LF line end', Buffer.from('POST /v1/decisions HTTP/1.1\r\nHost: x\nContent-Length: 2\r\n\r\n{}')],
    ['a body longer than the limit', request(['Host: x', 'Content-Length: 100001'], 'x'.repeat(100_001))],
    ['a head over 16 KiB', request(['Host: x', 'Content-Length: 2', `X-Big: ${'a'.repeat(17_000)}`])],
    ['a head not ended within 16 KiB', Buffer.from(`POST /v1/decisions HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(17_000)}`)],
    ['a request over 64 KiB', request(['Host: x', 'Content-Length: 70000'], 'x'.repeat(70_000))],
    ['a start that is not the request line', Buffer.from('GET /')],
    ['more than 64 header lines', request(['Host: x', 'Content-Length: 2', ...Array.from({ length: 63 }, (_, i) => `X-${i}: a`)])],
  ])('leaves to Node: %s', (_name, bytes) => {
    expect(parseFastHead(bytes, 100_000)).toBe(NOT_FAST);
  });

  it.each([
    ['a prefix of the request line', Buffer.from('POST /v1/dec')],
    ['an incomplete head', Buffer.from('POST /v1/decisions HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n')],
    ['an incomplete body', request(['Host: x', 'Content-Length: 3'], '{}')],
  ])('waits for more: %s', (_name, bytes) => {
    expect(parseFastHead(bytes, 1000)).toBe(INCOMPLETE);
  });
});

describe('HTTP fast path', () => {
  // Requests of every kind, each complete; any order and any split must be answered as Node's
  // server alone answers them.
  const requests = [
    post(decisionBody('./.env')),
    post(decisionBody('src/a.ts'), ['Content-Type: application/json', 'connection: keep-alive', 'X-Trace: 1']),
    post('{"target": 5}'),
    post('nope'),
    post(''),
    `POST /v1/decisions HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\n\xff\xfe{}`,
    post(decisionBody('b'), [], '/v1/decisions?trace=1'),
    'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n',
    post(`${decisionBody('c')}\n${decisionBody('d')}\n`, [], '/v1/decisions:batch'),
    `POST /v1/decisions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${decisionBody('e').length.toString(16)}\r\n${decisionBody('e')}\r\n0\r\n\r\n`,
    'GET /nope HTTP/1.1\r\nHost: x\r\n\r\n',
  ].map((text) => Buffer.from(text, 'latin1'));
  const closing = Buffer.from(post(decisionBody('last'), ['Connection: close']));

  it('answers any mix, order and split of requests byte for byte as Node\'s server alone does (ids and Date aside)', { timeout: 90_000 }, async () => {
    const fast = await httpServer({ fastPath: true });
    const node = await httpServer({ fastPath: false });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...requests.keys()), { minLength: 1, maxLength: 8 }),
        fc.boolean(),
        fc.array(fc.integer({ min: 1, max: 400 }), { maxLength: 6 }),
        async (order, endWithClose, cuts) => {
          const stream = Buffer.concat([...order.map((i) => requests[i] as Buffer), ...(endWithClose ? [closing] : [])]);
          const pieces: Buffer[] = [];
          let at = 0;
          for (const cut of cuts) {
            if (at + cut >= stream.length) break;
            pieces.push(stream.subarray(at, at + cut));
            at += cut;
          }
          pieces.push(stream.subarray(at));
          const [fastAnswers, nodeAnswers] = (await Promise.all([exchange(fast.port, pieces), exchange(node.port, pieces)])).map(parseResponses);
          // Node closes after an error it answers before the request was read whole (404, 401): fewer answers then.
          expect(fastAnswers?.length).toBeGreaterThan(0);
          const comparable = (answers: RawResponse[] | undefined): RawResponse[] =>
            (answers ?? []).map((a) => ({ ...a, body: a.status === 200 ? deterministic(a.body) : a.body }));
          expect(comparable(fastAnswers)).toEqual(comparable(nodeAnswers));
        },
      ),
      { numRuns: 30 },
    );
  });

  it('answers many pipelined requests in one read, in order', async () => {
    const { port, server } = await httpServer({ fastPath: true });
    const pieces = [Buffer.from(Array.from({ length: 200 }, (_, i) => post(decisionBody(`x${i}`))).join(''))];
    const answers = parseResponses(await exchange(port, pieces, 0));
    expect(answers.map((a) => (JSON.parse(a.body) as { target: string }).target)).toEqual(Array.from({ length: 200 }, (_, i) => `x${i}`));
    // All of them on the fast path (a parser that handed everything to Node would pass the rest of this file).
    expect(server.fastPathStats).toEqual({ answered: 200, handedOff: 0 });
  });

  it('waits for a request split over reads (it stays on the fast path); one slower than the header timeout goes to Node', async () => {
    const { port, server } = await httpServer({ fastPath: true, limits: { headersTimeoutMs: 400, requestTimeoutMs: 2000 } });
    const bytes = Buffer.from(post(decisionBody('split')));
    const pieces = [bytes.subarray(0, 7), bytes.subarray(7, 60), bytes.subarray(60)];
    expect(parseResponses(await exchange(port, pieces, 20)).map((a) => a.status)).toEqual([200]);
    expect(server.fastPathStats).toEqual({ answered: 1, handedOff: 0 });
    // Whether Node then still takes the rest in time is Node's header timeout's business.
    await exchange(port, [bytes.subarray(0, 60), bytes.subarray(60)], 600);
    expect(server.fastPathStats).toEqual({ answered: 1, handedOff: 1 });
  });

  it('a bearer token is checked on the fast path: 200 with it, Node\'s 401 (WWW-Authenticate, then close) without it', async () => {
    const { port, metrics } = await httpServer({ fastPath: true, token: 's3cret' });
    const answers = parseResponses(
      await exchange(port, [Buffer.from(post(decisionBody('a'), ['Authorization: Bearer s3cret']) + post(decisionBody('b')) + post(decisionBody('c'), ['Authorization: Bearer s3cret']))]),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 401]);
    // The request pipelined after the 401 is never answered (Node closes), so it is not decided either.
    expect(await metrics.text()).toMatch(/cavra_decisions_total\{[^}]*\} 1\n/);
    expect(answers[1]?.headers).toContain('WWW-Authenticate: Bearer');
  });

  it('refuses the smuggling shape (Content-Length with Transfer-Encoding) with Node\'s 400, deciding nothing', async () => {
    const { port, metrics } = await httpServer({ fastPath: true });
    const smuggled = `POST /v1/decisions HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${post(decisionBody('hidden'))}`;
    const answers = parseResponses(await exchange(port, [Buffer.from(smuggled)], 0));
    expect(answers.map((a) => a.status)).toEqual([400]);
    expect(await metrics.text()).not.toMatch(/cavra_decisions_total\{/);
  });

  it('a connection handed to Node meets Node\'s header timeout (slow client after a fast request)', async () => {
    const { port } = await httpServer({ fastPath: true, limits: { headersTimeoutMs: 300, requestTimeoutMs: 600 } });
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    const text = await new Promise<string>((done) => {
      let seen = '';
      socket.on('data', (chunk: Buffer) => (seen += chunk.toString('latin1')));
      socket.on('close', () => done(seen));
      socket.on('error', () => undefined);
      // A complete request, then the next one's head never finished.
      socket.once('connect', () => socket.write(`${post(decisionBody('a'))}POST /v1/decisions HTTP/1.1\r\nHost: x\r\n`));
    });
    expect(text.startsWith('HTTP/1.1 200 OK')).toBe(true);
    expect(text).toContain('HTTP/1.1 408 Request Timeout');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('stops reading a client that does not read its answers, and answers everything once it does', { timeout: 60_000 }, async () => {
    const { port, metrics } = await httpServer({ fastPath: true });
    const total = 40_000;
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((done) => socket.once('connect', () => done()));
    socket.pause();
    const block = Buffer.from(Array.from({ length: 1000 }, () => post(decisionBody('./.env'))).join(''));
    for (let i = 0; i < total / 1000; i++) socket.write(block);
    const decided = async (): Promise<number> => Number(/cavra_decisions_total\{[^}]*\} (\d+)/.exec(await metrics.text())?.[1] ?? 0);
    // Wait until the server stops making progress (its writes are blocked on our unread answers).
    let before = -1;
    let now = await decided();
    while (now !== before) {
      await new Promise((done) => setTimeout(done, 300));
      before = now;
      now = await decided();
    }
    expect(now).toBeLessThan(total);
    let answered = 0;
    await new Promise<void>((done) => {
      let carry = '';
      socket.on('data', (chunk: Buffer) => {
        // Counted across chunk boundaries: a status line may be split between two reads.
        const text = carry + chunk.toString('latin1');
        for (let i = text.indexOf('HTTP/1.1 200'); i !== -1; i = text.indexOf('HTTP/1.1 200', i + 1)) answered++;
        carry = text.slice(-11);
        if (answered === total) done();
      });
      socket.resume();
    });
    socket.destroy();
    expect(await decided()).toBe(total);
  });

  it('closes idle fast-path connections when the server closes; a half-closed client gets its answer first', async () => {
    const server: CavraServer = await startServer({ ...bundledLoader, http: { host: '127.0.0.1', port: 0 } });
    const port = server.httpAddress?.port as number;
    const answers = parseResponses(await exchange(port, [Buffer.from(post(decisionBody('a')))], 0));
    expect(answers.map((a) => a.status)).toEqual([200]);
    const idle = connect(port, '127.0.0.1');
    await new Promise<void>((done) => idle.once('connect', () => done()));
    idle.write(post(decisionBody('b')));
    await new Promise<void>((done) => idle.once('data', () => done()));
    const closed = new Promise<void>((done) => idle.once('close', () => done()));
    const started = Date.now();
    await server.close();
    await closed;
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('closing the server never cuts an answer in half: a client with unread answers gets whole answers, then EOF', { timeout: 30_000 }, async () => {
    const server: CavraServer = await startServer({ ...bundledLoader, http: { host: '127.0.0.1', port: 0 } });
    const port = server.httpAddress?.port as number;
    const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    await new Promise<void>((done) => socket.once('connect', () => done()));
    socket.pause();
    const chunks: Buffer[] = [];
    const ended = new Promise<void>((done) => {
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('end', () => done());
      socket.on('error', () => done());
    });
    socket.write(Array.from({ length: 20_000 }, (_, i) => post(decisionBody(`y${i}`))).join(''));
    await new Promise((done) => setTimeout(done, 1500));
    const closing = server.close();
    socket.resume();
    await ended;
    await closing;
    socket.destroy();
    const answers = parseResponses(Buffer.concat(chunks));
    expect(answers.length).toBeGreaterThan(0);
    answers.forEach((answer, i) => expect(JSON.parse(answer.body)).toMatchObject({ target: `y${i}` }));
  });
});
