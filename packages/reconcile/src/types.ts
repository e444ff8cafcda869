import { GEN_AI_PROVIDER } from '@ai-margin/conventions';
import type { SourceRef } from './errors';

/**
 * Provider names used by reconciliation: the `gen_ai.provider.name` values the processor writes
 * in the `provider` label, so report lines meet provisional cost on the same key.
 */
export const RECONCILE_PROVIDER = {
  openai: GEN_AI_PROVIDER.openai,
  anthropic: GEN_AI_PROVIDER.anthropic,
  bedrock: GEN_AI_PROVIDER.awsBedrock,
} as const;

/** Model name for report lines that name no model (tool calls, storage, unparsed line items). */
export const OTHER_MODEL = 'other';

/** One cost line of a provider report, normalised. */
export interface ReportLine {
  provider: string;
  /** UTC day, `YYYY-MM-DD`. */
  day: string;
  model: string;
  /**
   * Catalog token-type label (`input`, `cache_read`, `cache_write_5m`, `cache_write_1h`,
   * `output`, ...) when the line is for one token type; other report-specific kinds otherwise
   * (`web_search`, `code_execution`, `other`); absent when the report does not say.
   */
  tokenType?: string;
  /** Cost in USD (float view of `nanos`). */
  usd: number;
  /** Cost in exact integer nano-dollars. */
  nanos: bigint;
  /** The provider's own text for the line (line item, description, usage type). */
  detail?: string;
  /** Stable identity of the line across pages, files and re-runs (for de-duplication). */
  key: string;
  source: SourceRef;
}

/** One token-count line of a provider usage report, normalised to catalog token types. */
export interface UsageLine {
  provider: string;
  day: string;
  model: string;
  tokenType: string;
  tokens: number;
  key: string;
  source: SourceRef;
}

/** Lines read from one provider's report files. */
export interface ReportSet<L = ReportLine> {
  provider: string;
  lines: L[];
  /**
   * UTC days the report covers, including days with empty buckets: a provisional cost on a
   * covered day with no report line is a real gap, on an uncovered day it is "not reported yet".
   */
  coveredDays: Set<string>;
  /** Files read, in order. */
  files: string[];
  /** Lines dropped as exact duplicates (same key, same amount). */
  duplicates: number;
  warnings: string[];
}
