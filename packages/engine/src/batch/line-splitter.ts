import { MAX_REQUEST_BYTES } from './request-text.js';

const LF = 0x0a;
const CR = 0x0d;

/** What a `LineSplitter` hands its lines to. `bytes[start, end)` is the line without its terminator. */
export interface LineHandler {
  line(bytes: Buffer, start: number, end: number): void;
  /** A line longer than the limit, in its place; its bytes were never held whole. */
  oversize(): void;
}

/**
 * Splits raw chunks into lines ending in `\n` (a `\r` before it belongs to the terminator, so it
 * does not count towards the limit). Lines inside one chunk are handed over as views of the
 * chunk, with no copy; only a line that spans chunks is copied, into one carry buffer (grown up to the
 * limit, then reused), so memory stays bounded whatever the input. A line over the limit
 * is reported once in its place and its remaining bytes are skipped up to its newline. `end()`
 * hands over an unterminated last line.
 */
export class LineSplitter {
  private carry: Buffer | undefined;
  private carried = 0;
  private skipping = false;
  private readonly limit: number;

  constructor(
    private readonly handler: LineHandler,
    maxLineBytes: number = MAX_REQUEST_BYTES,
  ) {
    this.limit = maxLineBytes;
  }

  push(chunk: Buffer): void {
    let start = 0;
    for (let newline = chunk.indexOf(LF, start); newline !== -1; newline = chunk.indexOf(LF, start)) {
      if (this.skipping) {
        this.skipping = false;
        this.handler.oversize();
      } else if (this.carried > 0) {
        this.append(chunk, start, newline);
        if (this.skipping) {
          this.skipping = false;
          this.handler.oversize();
        } else this.complete(this.carry as Buffer, 0, this.carried);
        this.carried = 0;
      } else this.complete(chunk, start, newline);
      start = newline + 1;
    }
    if (start < chunk.length && !this.skipping) this.append(chunk, start, chunk.length);
  }

  /** End of input: an unterminated last line is answered too. */
  end(): void {
    if (this.skipping) {
      this.skipping = false;
      this.handler.oversize();
    } else if (this.carried > 0) {
      const carried = this.carried;
      this.carried = 0;
      this.complete(this.carry as Buffer, 0, carried);
    }
  }

  /** True while part of a line has been read but not its newline. */
  get pending(): boolean {
    return this.skipping || this.carried > 0;
  }

  private complete(bytes: Buffer, start: number, end: number): void {
    const contentEnd = end > start && bytes[end - 1] === CR ? end - 1 : end;
    if (contentEnd - start > this.limit) this.handler.oversize();
    else this.handler.line(bytes, start, contentEnd);
  }

  /** Copies part of a line into the carry; over the limit (plus a possible `\r`), switches to skipping. */
  private append(chunk: Buffer, start: number, end: number): void {
    const length = end - start;
    if (this.carried + length > this.limit + 1) {
      this.carried = 0;
      this.skipping = true;
      return;
    }
    const needed = this.carried + length;
    if (!this.carry || this.carry.length < needed) {
      // Grows by doubling up to the limit, so an idle connection holding a short partial line stays small.
      const grown = Buffer.allocUnsafe(Math.min(this.limit + 1, Math.max(needed, 2 * (this.carry?.length ?? 2048))));
      if (this.carry) this.carry.copy(grown, 0, 0, this.carried);
      this.carry = grown;
    }
    chunk.copy(this.carry, this.carried, start, end);
    this.carried += length;
  }
}
