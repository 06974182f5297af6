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
});
