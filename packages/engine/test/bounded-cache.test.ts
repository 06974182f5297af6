import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { BoundedCache } from '../src/bounded-cache.js';

describe('BoundedCache', () => {
  it('drops the least recently used entry, and a read counts as a use', () => {
    const cache = new BoundedCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([1, undefined, 3]);
    expect(cache.size).toBe(2);
  });

  it('refuses a limit that is not a positive integer', () => {
    expect(() => new BoundedCache(0)).toThrow(RangeError);
    expect(() => new BoundedCache(1.5)).toThrow(RangeError);
  });

  // Model: an array of keys, most recently used last.
  test.prop([
    fc.integer({ min: 1, max: 6 }),
    fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 9 })), { maxLength: 200 }),
  ])('behaves like a most-recently-used list cut to the limit', (limit, operations) => {
    const cache = new BoundedCache<number, string>(limit);
    let model: number[] = [];
    for (const [isSet, key] of operations) {
      if (isSet) {
        cache.set(key, `v${key}`);
        model = [...model.filter((k) => k !== key), key].slice(-limit);
      } else {
        const hit = model.includes(key);
        expect(cache.get(key)).toBe(hit ? `v${key}` : undefined);
        if (hit) model = [...model.filter((k) => k !== key), key];
      }
      expect(cache.size).toBe(model.length);
    }
  });
});
