import type { IncomingMessage } from 'node:http';

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
