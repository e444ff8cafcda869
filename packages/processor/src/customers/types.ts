/** One customer as the directory describes it. */
export interface CustomerRecord {
  /** The id used in `withAttribution({ customerId })` (raw; pseudonymised on export if enabled). */
  id: string;
  /** Plan name, e.g. `pro`. Default `unknown`. */
  plan?: string;
  /** Monthly recurring (subscription) revenue, USD. Omit for customers without a subscription. */
  mrrUsd?: number;
  /** Signup instant, ISO-8601 UTC (`2025-03-14` or `2025-03-14T09:30:00Z`): gives cohort and age. */
  signupDate?: string;
  /** Free-form segment, e.g. `smb`, `enterprise`. Default `unknown`. */
  segment?: string;
}

/** Customers as an array, or a map from id to the rest of the record. */
export type CustomerList =
  | readonly CustomerRecord[]
  | Readonly<Record<string, Omit<CustomerRecord, 'id'>>>;

/**
 * Where the customer directory comes from:
 * - a static list or map;
 * - `{ file }`: a JSON file holding a list or map, re-read every `refreshIntervalMs`;
 * - `{ load }`: an async loader (e.g. a billing-system query), called every `refreshIntervalMs`.
 * A failed refresh keeps the last good data and reports through `diag`.
 */
export type CustomersOption =
  | CustomerList
  | { file: string; refreshIntervalMs?: number }
  | { load: () => Promise<CustomerList>; refreshIntervalMs?: number };

/** A validated customer. */
export interface Customer {
  id: string;
  plan: string;
  mrrUsd?: number;
  /** Signup as epoch ms, when known. */
  signupMs?: number;
  segment: string;
}
