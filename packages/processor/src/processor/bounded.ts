/**
 * A Map that forgets its oldest entries (insertion order) beyond `capacity`. Cheaper than an LRU
 * (no re-insertion on read) and enough for caches whose entries are all equally valid.
 *
 * The insertion order is kept in a ring of keys rather than read from the Map: V8 leaves a hole
 * for each deleted Map entry until the next rehash, and `map.keys().next()` walks over all of them,
 * so evicting through the Map's own iterator cost O(capacity) per insert once full (32 us per
 * insert at 100,000 entries: a flood of new idempotency keys or customer ids).
 */
export class BoundedMap<K, V> {
  private readonly map = new Map<K, V>();
  private readonly ring: K[] = [];
  private next = 0;

  constructor(readonly capacity: number) {}

  get(key: K): V | undefined {
    return this.map.get(key);
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  set(key: K, value: V): void {
    if (!this.map.has(key)) {
      if (this.capacity < 1) return;
      if (this.ring.length < this.capacity) this.ring.push(key);
      else {
        this.map.delete(this.ring[this.next] as K);
        this.ring[this.next] = key;
        this.next = (this.next + 1) % this.capacity;
      }
    }
    this.map.set(key, value);
  }

  /**
   * Forgets `key`. Its ring slot stays until it comes round: a key deleted and then set again
   * can be forgotten early, when its older slot is reused (no user here re-adds a deleted key).
   */
  delete(key: K): boolean {
    return this.map.delete(key);
  }

  get size(): number {
    return this.map.size;
  }
}
