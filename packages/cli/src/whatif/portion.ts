/**
 * A portion: part of an observed usage cell as the scenario leaves it (the cell itself, or the
 * share a route moved to another model). Its cost starts as the observed cost and is repriced
 * only when a lever touches it, so an empty scenario is the observed history exactly.
 */
import { type Segment, segmentTokens } from './long-context';
import type { Pricer } from './pricing';
import type { Tokens, UsageCell } from './types';

export interface Portion {
  cell: UsageCell;
  provider: string;
  model: string;
  segments: Segment[];
  requests: number;
  costUsd: number;
  /** Cost still derived from the observed cost (true) or repriced from tokens (false). */
  observed: boolean;
  /** Set when a cliff could not be reconstructed: the cost is the dearer bound. */
  cliffUpperBound: boolean;
}

export function portionTokens(p: Portion): Tokens {
  return segmentTokens(p.segments);
}

/** Warnings, deduplicated by message and bounded. */
export class Warnings {
  private readonly counts = new Map<string, number>();

  add(message: string): void {
    if (this.counts.size >= 100 && !this.counts.has(message)) return;
    this.counts.set(message, (this.counts.get(message) ?? 0) + 1);
  }

  list(): string[] {
    return [...this.counts.entries()].map(([m, n]) => (n > 1 ? `${m} (${n} cells)` : m));
  }
}

export interface LeverContext {
  pricer: Pricer;
  warnings: Warnings;
  /** Plan of a customer. */
  planOf(customer: string): string;
}
