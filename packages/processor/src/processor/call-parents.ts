/**
 * Span ids of the parents of priced GenAI calls, recently seen. Some libraries wrap each model
 * call in an outer span with the same GenAI attributes but no usage (the Vercel AI SDK's `embed()`
 * makes an `embeddings` span around the `embeddings` call span). Counted on its own, that outer
 * span would be an unpriced call with `missing_usage`, firing the unpriced-usage alert for usage
 * that was in fact priced. A child ends before its parent, so the parent's id is known by then.
 *
 * Bounded: remembers the ids of the last `capacity` adds (a ring of ids, not the Set's own order:
 * evicting through `set.values().next()` walks over every deleted entry V8 has not rehashed yet).
 */
export class CallParents {
  private readonly ids = new Set<string>();
  private readonly ring: string[] = [];
  private next = 0;

  constructor(private readonly capacity = 4096) {}

  /** Remembers `spanId` as the parent of a call that carried usage. */
  add(spanId: string): void {
    if (this.ids.has(spanId)) return;
    this.ids.add(spanId);
    if (this.ring.length < this.capacity) this.ring.push(spanId);
    else {
      // The oldest id may already be taken: deleting it again is a no-op.
      this.ids.delete(this.ring[this.next] as string);
      this.ring[this.next] = spanId;
      this.next = (this.next + 1) % this.capacity;
    }
  }

  /** True (once) when `spanId` was the parent of a call that carried usage. */
  take(spanId: string): boolean {
    return this.ids.delete(spanId);
  }
}
