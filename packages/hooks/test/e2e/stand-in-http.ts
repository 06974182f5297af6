import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The stand-ins' bound on one request body: an agent's whole conversation fits well within it. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

/** A request's body as UTF-8 text; a body over the bound destroys the request (the promise then fails). */
export function readBodyText(request: IncomingMessage): Promise<string> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) request.destroy(new Error('request body too large'));
      else chunks.push(chunk);
    });
    request.on('end', () => done(Buffer.concat(chunks).toString('utf8')));
    request.on('error', fail);
  });
}

/** Starts `server` on an ephemeral loopback port: its base URL, and a close that drops its connections. */
export async function listenOnLoopback(server: Server): Promise<{ baseUrl: string; close: () => Promise<void> }> {
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
