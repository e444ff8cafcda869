/** A billing event recorded with `processor.recordRevenue(...)`. */
export interface RevenueEvent {
  /** Raw customer id (pseudonymised like span attribution when enabled). */
  customerId: string;
  /** Amount in USD, finite and >= 0 (counters cannot go down: record refunds elsewhere). */
  usd: number;
  /** `revenue_type` label, e.g. `one_time`, `overage`, `usage`. */
  type: string;
  /**
   * Unique id of the event (e.g. the invoice or webhook event id). A key seen before is ignored,
   * so webhook retries are counted once. Remembered for the last `maxIdempotencyKeys` keys.
   */
  idempotencyKey: string;
  /** `feature` label. Default `unattributed`. */
  feature?: string;
}

/** What `recordRevenue` did. */
export type RevenueOutcome = 'recorded' | 'duplicate' | 'invalid' | 'shutdown';
