/**
 * A map that keeps at most `limit` entries, dropping the least recently used one. Used for
 * per-label prepared policies: labels come from requests, so an unbounded map would let a
 * `--batch` stream of distinct labels grow memory without end.
 */
export class BoundedCache<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`cache limit must be a positive integer, not ${limit}`);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The value for `key`, now the most recently used; `undefined` if absent. */
  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      // Map keeps insertion order: re-inserting moves the key to the young end.
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.limit) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }
}
