export type { RevenueEvent, RevenueOutcome } from './types';
