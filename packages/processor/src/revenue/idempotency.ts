import { BoundedMap } from '../processor/bounded';

/**
 * Remembers the last `capacity` idempotency keys (oldest forgotten first). A key is "new" once.
 * Memory: about 100 bytes per key plus the key itself, so ~15 MB for 100,000 36-char keys at most.
 */
export class IdempotencyKeys {
  private readonly keys: BoundedMap<string, true>;

  constructor(capacity: number) {
    this.keys = new BoundedMap(capacity);
  }

  /** `true` the first time `key` is seen (while remembered), `false` for a repeat. */
  firstTime(key: string): boolean {
    if (this.keys.has(key)) return false;
    this.keys.set(key, true);
    return true;
  }
}
