import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';

/**
 * The one request shape the fast path answers itself: a complete `POST /v1/decisions HTTP/1.1`
 * with exactly one `Host`, exactly one all-digit `Content-Length` within the body limit, no
 * `Transfer-Encoding`, `Expect` or `Upgrade`, `Connection` absent, `keep-alive` or `close`, and
 * every header line well formed. Anything else (another endpoint, a partial request, an unusual
 * or malformed header) is not parsed here at all: the connection is handed, bytes unread, to
 * Node's HTTP server, which stays the authority on what is valid HTTP and on its errors.
 */
export interface FastRequest {
  /** The body (a view of the connection's buffer, valid until the handler returns). */
  body: Buffer;
  /** The `Authorization` header's value, if present. */
  authorization: string | undefined;
}

/** What the fast path answers one request with. */
export interface FastResponse {
  status: number;
  body: string;
}

export interface FastPathOptions {
  /** Bodies above this many bytes go to Node's server (which answers 413). */
  maxBodyBytes: number;
  /** Idle time of a connection between requests before it is closed (ms). */
  keepAliveTimeoutMs: number;
  /** Time a started request may take to arrive whole before it is handed to Node's server (ms). */
  partialRequestTimeoutMs: number;
  /**
   * Answers one request, or returns `undefined` to hand the connection (this request
   * included) to Node's server instead, e.g. for a missing bearer token.
   */
  answer: (request: FastRequest) => FastResponse | undefined;
  /** Gives the connection to Node's HTTP server; the bytes not answered were put back first. */
  handOff: (socket: Socket) => void;
  /** True once the server is closing: answers carry `Connection: close`. */
  closing: () => boolean;
}

/** Node's header size limit: a longer header section is Node's to refuse (431). */
const MAX_HEADER_BYTES = 16 * 1024;
/** A larger request (head and body) is Node's to read: the fast path holds at most this much of one. */
const MAX_FAST_REQUEST_BYTES = 64 * 1024;
const MAX_HEADER_LINES = 64;
const REQUEST_LINE = 'POST /v1/decisions HTTP/1.1\r\n';
const HEADER_END = Buffer.from('\r\n\r\n');
/** One header line: a token name, a colon, optional whitespace, a value of visible bytes (obs-text allowed) and inner spaces/tabs. */
const HEADER_LINE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+):[ \t]*((?:[\x21-\x7e\x80-\xff](?:[\x20-\x7e\x80-\xff\t]*[\x21-\x7e\x80-\xff])?)?)[ \t]*$/;
const DIGITS = /^\d{1,15}$/;

let dateSecond = -1;
let dateText = '';
/** The `Date` header value, computed once per second as Node's server does. */
function httpDate(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(now).toUTCString();
  }
  return dateText;
}

/** The parsed head of a fast-path request, or `undefined` when the request is not one. */
interface FastHead {
  bodyStart: number;
  contentLength: number;
  close: boolean;
  authorization: string | undefined;
}

/** The request at the start of a buffer is not the fast shape: Node's server takes it. */
export const NOT_FAST = 'not-fast';
/** The request at the start of a buffer may be the fast shape but has not been read whole yet. */
export const INCOMPLETE = 'incomplete';

/**
 * Reads the head of the request at the start of `buffer`. Strictness is one way only: a request
 * this parser accepts is one Node's parser accepts with the same meaning; it refuses far more than
 * Node does (`NOT_FAST`). `INCOMPLETE`: the bytes so far are a prefix of what may be a fast request.
 */
export function parseFastHead(buffer: Buffer, maxBodyBytes: number): FastHead | typeof NOT_FAST | typeof INCOMPLETE {
  if (buffer.length < REQUEST_LINE.length) {
    return buffer.toString('latin1') === REQUEST_LINE.slice(0, buffer.length) ? INCOMPLETE : NOT_FAST;
  }
  if (buffer.toString('latin1', 0, REQUEST_LINE.length) !== REQUEST_LINE) return NOT_FAST;
  const end = buffer.indexOf(HEADER_END, REQUEST_LINE.length - 2);
  if (end === -1) return buffer.length < MAX_HEADER_BYTES ? INCOMPLETE : NOT_FAST;
  if (end + 4 > MAX_HEADER_BYTES) return NOT_FAST;
  let contentLength: number | undefined;
  let hosts = 0;
  let close = false;
  let authorization: string | undefined;
  let lineStart = REQUEST_LINE.length;
  for (let lines = 0; lineStart < end + 2; lines++) {
    // Node reports at most 2,000 headers to its handlers: far fewer here, so both see the same ones.
    if (lines === MAX_HEADER_LINES) return NOT_FAST;
    const lineEnd = buffer.indexOf(13, lineStart);
    if (lineEnd === -1 || buffer[lineEnd + 1] !== 10) return NOT_FAST;
    const match = HEADER_LINE.exec(buffer.toString('latin1', lineStart, lineEnd));
    if (!match) return NOT_FAST;
    const value = match[2] as string;
    switch ((match[1] as string).toLowerCase()) {
      case 'content-length':
        if (contentLength !== undefined || !DIGITS.test(value)) return NOT_FAST;
        contentLength = Number(value);
        break;
      case 'host':
        hosts++;
        break;
      case 'connection': {
        const token = value.toLowerCase();
        if (token === 'close') close = true;
        else if (token !== 'keep-alive') return NOT_FAST;
        break;
      }
      case 'authorization':
        if (authorization !== undefined) return NOT_FAST;
        authorization = value;
        break;
      case 'transfer-encoding':
      case 'expect':
      case 'upgrade':
        return NOT_FAST;
      default:
        break;
    }
    lineStart = lineEnd + 2;
  }
  const bodyStart = end + 4;
  if (hosts !== 1 || contentLength === undefined || contentLength > maxBodyBytes) return NOT_FAST;
  if (bodyStart + contentLength > MAX_FAST_REQUEST_BYTES) return NOT_FAST;
  if (buffer.length < bodyStart + contentLength) return INCOMPLETE;
  return { bodyStart, contentLength, close, authorization };
}

/**
 * Answers `POST /v1/decisions` on a keep-alive connection without Node's per-request HTTP
 * objects (which cost more than the decision itself: a bare Node server answering a constant
 * of the same size is slower than the throughput target). At the first request it does not
 * answer itself, the connection goes to Node's server for good, that request's bytes put back
 * unread, so every protocol error gets Node's answer. A request split over reads is waited for
 * (up to 64 KiB, for `partialRequestTimeoutMs`); a slower one is handed over and meets Node's
 * header and request timeouts from then on.
 */
export class DecisionFastPath {
  private readonly sockets = new Set<Socket>();
  /** Requests answered here, and connections handed to Node's server (tests and diagnostics). */
  readonly stats = { answered: 0, handedOff: 0 };

  constructor(private readonly options: FastPathOptions) {}

  adopt(socket: Socket): void {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    const onTimeout = (): void => void socket.destroy();
    const onClose = (): void => {
      clearTimeout(partialTimer);
      this.sockets.delete(socket);
    };
    // Everything read has been answered by then (answers are synchronous): end our side too.
    const onEnd = (): void => void socket.end();
    const onError = (): void => undefined;
    const handOff = (rest: Buffer): void => {
      clearTimeout(partialTimer);
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('close', onClose);
      socket.off('timeout', onTimeout);
      socket.off('error', onError);
      socket.setTimeout(0);
      this.sockets.delete(socket);
      this.stats.handedOff++;
      if (rest.length > 0) socket.unshift(rest);
      this.options.handOff(socket);
    };
    // The start of a request not read whole yet (a copy: at most MAX_FAST_REQUEST_BYTES).
    let partial: Buffer | undefined;
    let partialTimer: NodeJS.Timeout | undefined;
    const onData = (chunk: Buffer): void => {
      // Ended by `closeAll` (server closing): what arrives now is not answered.
      if (socket.writableEnded) return;
      let buffer = partial ? Buffer.concat([partial, chunk]) : chunk;
      partial = undefined;
      clearTimeout(partialTimer);
      let out = '';
      while (buffer.length > 0) {
        const head = parseFastHead(buffer, this.options.maxBodyBytes);
        if (head === INCOMPLETE) {
          partial = Buffer.from(buffer);
          // A slow client is Node's to time out: after this long, it gets the bytes so far.
          partialTimer = setTimeout(() => {
            const rest = partial as Buffer;
            partial = undefined;
            handOff(rest);
          }, this.options.partialRequestTimeoutMs);
          break;
        }
        const answer =
          head !== NOT_FAST &&
          this.options.answer({
            body: buffer.subarray(head.bodyStart, head.bodyStart + head.contentLength),
            authorization: head.authorization,
          });
        if (head === NOT_FAST || !answer) {
          // Answers already made go first; Node's server writes after them on the same socket.
          if (out) socket.write(out);
          handOff(buffer);
          return;
        }
        this.stats.answered++;
        buffer = buffer.subarray(head.bodyStart + head.contentLength);
        if (head.close || this.options.closing()) {
          // Bytes after a closing request are never answered (as Node does).
          socket.end(out + responseText(answer, true, this.options.keepAliveTimeoutMs));
          return;
        }
        out += responseText(answer, false, this.options.keepAliveTimeoutMs);
      }
      // A client that does not read its answers stops being read (bounded memory).
      if (out && !socket.write(out)) {
        socket.pause();
        socket.once('drain', () => socket.resume());
      }
    };
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('close', onClose);
    socket.on('timeout', onTimeout);
    socket.on('error', onError);
    socket.setTimeout(this.options.keepAliveTimeoutMs);
  }

  /**
   * Ends every fast-path connection after the answers already written (all of them are idle
   * between reads: answers are synchronous), so no answer is cut in half; what a client sends
   * after this is not answered.
   */
  closeAll(): void {
    for (const socket of this.sockets) socket.end();
  }

  /** Drops the connections still open (clients that did not close after `closeAll`). */
  destroyAll(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }
}

/** The response bytes, headers as Node's server writes them for the same answer. */
function responseText(answer: FastResponse, close: boolean, keepAliveTimeoutMs: number): string {
  const connection = close ? 'Connection: close\r\n' : `Connection: keep-alive\r\nKeep-Alive: timeout=${Math.floor(keepAliveTimeoutMs / 1000)}\r\n`;
  return (
    `HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status] ?? ''}\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(answer.body)}\r\n` +
    `Date: ${httpDate()}\r\n${connection}\r\n${answer.body}`
  );
}
