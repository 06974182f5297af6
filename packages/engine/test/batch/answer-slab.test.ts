import { describe, expect, it } from 'vitest';
import { AnswerSlab } from '@cavra/engine';

describe('AnswerSlab', () => {
  it('hands out what was emitted since the last take, each line with its newline; nothing is undefined', () => {
    const slab = new AnswerSlab();
    expect(slab.take()).toBeUndefined();
    slab.emit('a');
    slab.emit('é𝄞');
    expect(slab.take()?.toString('utf8')).toBe('a\né𝄞\n');
    expect(slab.take()).toBeUndefined();
  });

  it('keeps every buffer it handed out intact while it grows and is replaced', () => {
    const slab = new AnswerSlab();
    const handed: { bytes: Buffer; text: string }[] = [];
    for (let round = 0; round < 30; round++) {
      const lines = Array.from({ length: 1 + ((round * 37) % 50) }, (_, i) => `${round}:${i}:${'z'.repeat((round * 997) % 40_000)}`);
      for (const line of lines) slab.emit(line);
      const bytes = slab.take() as Buffer;
      const text = `${lines.join('\n')}\n`;
      expect(bytes.toString('utf8')).toBe(text);
      handed.push({ bytes, text });
    }
    for (const { bytes, text } of handed) expect(bytes.toString('utf8')).toBe(text);
  });

  it('emits a line written in place only at endLine, and overwrites what was written and not ended', () => {
    const slab = new AnswerSlab();
    slab.emit('first');
    let buffer = slab.reserve(8);
    const abandoned = slab.offset;
    buffer.write('junk', abandoned, 'latin1');
    // Not ended: the next line starts where it did.
    buffer = slab.reserve(8);
    expect(slab.offset).toBe(abandoned);
    const end = slab.offset + buffer.write('second', slab.offset, 'latin1');
    slab.endLine(end);
    expect(slab.take()?.toString('utf8')).toBe('first\nsecond\n');
  });

  it('keeps what was emitted when room for a line in place needs a larger slab', () => {
    const slab = new AnswerSlab();
    slab.emit('kept');
    const big = 'x'.repeat(100_000);
    const buffer = slab.reserve(big.length + 1);
    slab.endLine(slab.offset + buffer.write(big, slab.offset, 'latin1'));
    expect(slab.take()?.toString('utf8')).toBe(`kept\n${big}\n`);
  });

  it('rewinds to a mark, dropping only what was emitted after it', () => {
    const slab = new AnswerSlab();
    slab.emit('a');
    expect(slab.take()?.toString('utf8')).toBe('a\n');
    slab.emit('b');
    const mark = slab.pendingBytes;
    slab.emit('c');
    slab.rewind(mark);
    slab.emit('d');
    // A mark at or past what is pending changes nothing.
    slab.rewind(slab.pendingBytes);
    expect(slab.take()?.toString('utf8')).toBe('b\nd\n');
  });
});
