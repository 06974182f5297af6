/** The first output slab is small (many idle connections each hold one); it grows by doubling. */
const FIRST_SLAB = 4 * 1024;
const MAX_KEPT_SLAB = 1024 * 1024;

/**
 * Answer lines UTF-8-encoded straight into a slab, each followed by `\n`; `take()` hands out
 * everything emitted since the last `take()` as one view. The slab is never written below what
 * was handed out, so a buffer handed out stays valid after later emits.
 */
export class AnswerSlab {
  private slab: Buffer | undefined;
  /** The size of the next slab: as large as this stream's chunks have needed, up to MAX_KEPT_SLAB. */
  private slabSize = FIRST_SLAB;
  private start = 0;
  private used = 0;

  emit(line: string): void {
    // UTF-8 needs at most 3 bytes per UTF-16 code unit, plus the newline.
    const room = line.length * 3 + 1;
    if (!this.slab || this.used + room > this.slab.length) this.grow(room);
    const slab = this.slab as Buffer;
    this.used += slab.write(line, this.used);
    slab[this.used++] = 0x0a;
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
