/**
 * Span ids of the parents of priced GenAI calls, recently seen. Some libraries wrap each model
 * call in an outer span with the same GenAI attributes but no usage (the Vercel AI SDK's `embed()`
 * makes an `embeddings` span around the `embeddings` call span). Counted on its own, that outer
 * span would be an unpriced call with `missing_usage`, firing the unpriced-usage alert for usage
 * that was in fact priced. A child ends before its parent, so the parent's id is known by then.
 *
 * Bounded: a FIFO of the most recent ids (a parent ends shortly after its children).
 */
export class CallParents {
  private readonly ids = new Set<string>();

  constructor(private readonly capacity = 4096) {}

  /** Remembers `spanId` as the parent of a call that carried usage. */
  add(spanId: string): void {
    if (this.ids.has(spanId)) return;
    this.ids.add(spanId);
    if (this.ids.size > this.capacity) {
      const oldest = this.ids.values().next().value;
      if (oldest !== undefined) this.ids.delete(oldest);
    }
  }

  /** True (once) when `spanId` was the parent of a call that carried usage. */
  take(spanId: string): boolean {
    return this.ids.delete(spanId);
  }
}
