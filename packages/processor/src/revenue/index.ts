export { IdempotencyKeys } from './idempotency';
export type { RevenueEvent, RevenueOutcome } from './types';
