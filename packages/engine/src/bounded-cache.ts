/**
 * A map that keeps at most `limit` entries, dropping the least recently used one. Used for
 * per-label prepared policies: labels come from requests, so an unbounded map would let a
 * `--batch` stream of distinct labels grow memory without end.
 */
export class BoundedCache<K, V> {
  private readonly entries = new Map<K, V>();
  /** The most recently used key: asked for again (the common case), nothing needs to move. */
  private youngest: K | undefined;

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`cache limit must be a positive integer, not ${limit}`);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The value for `key`, now the most recently used; `undefined` if absent. */
  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined && key !== this.youngest) {
      // Map keeps insertion order: re-inserting moves the key to the young end.
      this.entries.delete(key);
      this.entries.set(key, value);
      this.youngest = key;
    }
    return value;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    this.youngest = key;
    if (this.entries.size > this.limit) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }
}
