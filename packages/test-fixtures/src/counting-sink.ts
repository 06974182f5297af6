import { Writable } from 'node:stream';

/** A writable that counts the output lines it is given (benchmarks: every contender must produce every line). */
export type CountingSink = Writable & { lines: number };

export function countingSink(): CountingSink {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) sink.lines++;
      done();
    },
  }) as CountingSink;
  sink.lines = 0;
  return sink;
}
