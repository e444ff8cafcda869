import type { UNPRICED_REASON } from '@ai-margin/conventions';
import type { ResolvedPrice } from '../cost/types';
import type { PricePeriod } from './types';

/** The answer of `PriceBook.lookup`. */
export type PriceLookup =
  | {
      found: true;
      price: ResolvedPrice;
      /** Negotiated discount in force for this provider/model at the instant (user files). */
      discountPercent?: number;
      /** Bedrock cross-region prefix of the requested id without its dot (`us`, `global`). */
      geo?: string;
    }
  | {
      found: false;
      reason: typeof UNPRICED_REASON.unknownModel | typeof UNPRICED_REASON.noPeriod;
      detail: string;
    };

/** One model as listed by `PriceBook.list`. */
export interface PriceBookEntry {
  provider: string;
  model: string;
  aliases: string[];
  periods: PricePeriod[];
}

/** One moving alias as listed by `PriceBook.listMovingAliases`. */
export interface MovingAliasEntry {
  provider: string;
  alias: string;
  targets: { model: string; effectiveFrom: string; source: string }[];
}

export interface PriceBookLoadOptions {
  /**
   * User price files merged over the shipped book, in order (later files win): paths to `.json`,
   * `.yaml` or `.yml` files, or `{ name, data }` with already-parsed content (or its text).
   */
  userFiles?: Array<string | { name: string; data: unknown }>;
  /** Include the shipped price data (default true). */
  includeShipped?: boolean;
}
