/** The first output slab is small (many idle connections each hold one); it grows by doubling. */
const FIRST_SLAB = 4 * 1024;
const MAX_KEPT_SLAB = 1024 * 1024;

/**
 * Answer lines UTF-8-encoded straight into a slab, each followed by `\n`; `take()` hands out
 * everything emitted since the last `take()` as one view. The slab is never written below what
 * was handed out, so a buffer handed out stays valid after later emits. A line is either emitted
 * as a string, or written in place as bytes: `reserve` room, write at `offset`, then `endLine`.
 */
export class AnswerSlab {
  private slab: Buffer | undefined;
  /** The size of the next slab: as large as this stream's chunks have needed, up to MAX_KEPT_SLAB. */
  private slabSize = FIRST_SLAB;
  private start = 0;
  private used = 0;

  emit(line: string): void {
    // UTF-8 needs at most 3 bytes per UTF-16 code unit, plus the newline.
    const slab = this.reserve(line.length * 3 + 1);
    this.used += slab.write(line, this.used);
    slab[this.used++] = 0x0a;
  }

  /**
   * The slab, with at least `bytes` bytes of room at `offset` for a line written in place (the
   * newline included). Nothing is emitted until `endLine`: bytes written and not ended are
   * overwritten by the next line.
   */
  reserve(bytes: number): Buffer {
    if (!this.slab || this.used + bytes > this.slab.length) this.grow(bytes);
    return this.slab as Buffer;
  }

  /** Where a line written in place starts (in the buffer `reserve` returned). */
  get offset(): number {
    return this.used;
  }

  /** The line written in place ends at `end` (exclusive): it is emitted, with its newline. */
  endLine(end: number): void {
    const slab = this.slab as Buffer;
    slab[end] = 0x0a;
    this.used = end + 1;
  }

  /** Bytes emitted and not yet taken (a mark for `rewind`). */
  get pendingBytes(): number {
    return this.used - this.start;
  }

  /** Drops what was emitted after `pendingBytes` read `mark` (a line whose answer failed halfway). */
  rewind(mark: number): void {
    if (mark >= 0 && mark < this.used - this.start) this.used = this.start + mark;
  }

  take(): Buffer | undefined {
    const slab = this.slab;
    if (!slab || this.used === this.start) return undefined;
    const bytes = slab.subarray(this.start, this.used);
    this.start = this.used;
    // A slab grown for one large chunk is not kept (idle connections stay small).
    if (slab.length > MAX_KEPT_SLAB) this.slab = undefined;
    return bytes;
  }

  /** A new slab holding the answers not handed out yet, with room for at least `room` more bytes. */
  private grow(room: number): void {
    const pending = this.slab ? this.used - this.start : 0;
    const size = Math.max(this.slabSize, 2 * (pending + room));
    this.slabSize = Math.min(size, MAX_KEPT_SLAB);
    const next = Buffer.allocUnsafe(size);
    if (this.slab && pending > 0) this.slab.copy(next, 0, this.start, this.used);
    this.slab = next;
    this.start = 0;
    this.used = pending;
  }
}
