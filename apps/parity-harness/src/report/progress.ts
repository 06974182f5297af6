import type { Progress } from '../run/types.js';

export interface ProgressStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

const BAR = 24;

/** A one-line progress bar on a TTY (cases per pack, rate, mismatches); plain lines otherwise. */
export class ProgressReporter {
  private pack = '';
  private packStart = 0;
  private lastDraw = 0;
  private drawn = false;

  constructor(private readonly stream: ProgressStream) {}

  get tty(): boolean {
    return this.stream.isTTY === true;
  }

  update(p: Progress): void {
    const now = performance.now();
    // Several families may answer cases for the same pack: name the family when it is known.
    const label = p.family ? `${p.pack} [${p.family}]` : p.pack;
    if (label !== this.pack) {
      this.pack = label;
      this.packStart = now;
    }
    const seconds = Math.max((now - this.packStart) / 1000, 1e-3);
    const rate = Math.round(p.done / seconds);
    const finished = p.done >= p.total;
    if (this.tty) {
      if (!finished && now - this.lastDraw < 80) return; // redraw at most ~12×/s
      this.lastDraw = now;
      const filled = p.total ? Math.round((p.done / p.total) * BAR) : BAR;
      const line = `${label.padEnd(28)} [${'#'.repeat(filled)}${'-'.repeat(BAR - filled)}] ${p.done}/${p.total} ${rate} cases/s mismatches ${p.mismatches}`;
      this.stream.write(`\r\u001b[2K${line.slice(0, (this.stream.columns ?? 120) - 1)}`);
      this.drawn = true;
      if (finished) {
        this.stream.write('\n');
        this.drawn = false;
      }
    } else if (finished) {
      this.stream.write(`${label}: ${p.total} cases, ${p.mismatches} mismatches, ${rate} cases/s\n`);
    }
  }

  note(line: string): void {
    if (this.drawn) {
      this.stream.write('\n');
      this.drawn = false;
    }
    this.stream.write(line + '\n');
  }
}
