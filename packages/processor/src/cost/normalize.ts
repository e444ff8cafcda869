/**
 * Usage normalisation: one documented mapping per provider convention from the counts a provider
 * reports to non-overlapping token buckets. Never throws, whatever the input.
 */
import type { BucketUsage, RawUsage, UsageConvention } from './types';

export type NormalizeResult =
  | { ok: true; usage: BucketUsage }
  | { ok: false; reason: 'missing_usage' | 'invalid_usage'; detail: string };

const FIELDS: readonly (keyof RawUsage)[] = [
  'inputTokens',
  'outputTokens',
  'cacheReadTokens',
  'cacheWriteTokens',
  'cacheWrite5mTokens',
  'cacheWrite1hTokens',
  'reasoningTokens',
];

const CONVENTIONS: readonly UsageConvention[] = [
  'semconv',
  'openai',
  'anthropic',
  'bedrock',
  'gemini',
];

function invalid(detail: string): NormalizeResult {
  return { ok: false, reason: 'invalid_usage', detail };
}

/**
 * Maps raw usage to buckets.
 *
 * - `semconv`, `openai`: input includes cache reads and writes, so uncached input = input − cache
 *   read − cache writes (cache exceeding input is `invalid_usage`); output includes reasoning, so
 *   the output bucket = output − reasoning.
 * - `anthropic`, `bedrock`: input excludes cache reads and writes (uncached input = input);
 *   output includes any reasoning (thinking) tokens, as for OpenAI.
 * - `gemini`: input (promptTokenCount) includes cached content; output (candidatesTokenCount)
 *   excludes thoughts, so `reasoningTokens` (thoughtsTokenCount) are added on top.
 *
 * Cache writes: `cacheWrite5mTokens`/`cacheWrite1hTokens` when reported; a 5-minute part missing
 * from a split is `cacheWriteTokens` − 1h; without any split `cacheWriteTokens` are 5-minute writes.
 * Absent (undefined/null) counts are 0; a count that is negative, non-integer, NaN or infinite is
 * `invalid_usage` naming the field. No input and no output count at all is `missing_usage`.
 */
export function normalizeUsage(raw: RawUsage, convention: UsageConvention): NormalizeResult {
  try {
    return normalizeUnchecked(raw, convention);
  } catch (err) {
    // Getters on exotic input objects can throw; never let that reach the caller.
    return invalid(`usage could not be read: ${(err as Error)?.message ?? String(err)}`);
  }
}

function normalizeUnchecked(raw: unknown, convention: UsageConvention): NormalizeResult {
  if (!CONVENTIONS.includes(convention))
    return invalid(`unknown usage convention "${String(convention)}"`);
  if (raw === undefined || raw === null)
    return { ok: false, reason: 'missing_usage', detail: 'no usage reported' };
  if (typeof raw !== 'object') return invalid(`usage must be an object, got ${typeof raw}`);
  const source = raw as Record<string, unknown>;
  const n: Partial<Record<keyof RawUsage, number>> = {};
  for (const field of FIELDS) {
    const value = source[field];
    if (value === undefined || value === null) continue;
    if (
      typeof value !== 'number' ||
      !Number.isFinite(value) ||
      !Number.isInteger(value) ||
      value < 0
    ) {
      return invalid(`${field} must be a non-negative integer, got ${describe(value)}`);
    }
    n[field] = value;
  }
  if (n.inputTokens === undefined && n.outputTokens === undefined) {
    return {
      ok: false,
      reason: 'missing_usage',
      detail: 'neither inputTokens nor outputTokens reported',
    };
  }
  const input = n.inputTokens ?? 0;
  const output = n.outputTokens ?? 0;
  const cacheRead = n.cacheReadTokens ?? 0;
  const reasoning = n.reasoningTokens ?? 0;
  let cacheWrite5m: number;
  let cacheWrite1h: number;
  if (n.cacheWrite5mTokens !== undefined || n.cacheWrite1hTokens !== undefined) {
    cacheWrite1h = n.cacheWrite1hTokens ?? 0;
    cacheWrite5m = n.cacheWrite5mTokens ?? Math.max(0, (n.cacheWriteTokens ?? 0) - cacheWrite1h);
  } else {
    cacheWrite1h = 0;
    cacheWrite5m = n.cacheWriteTokens ?? 0;
  }

  let uncached = input;
  if (convention === 'semconv' || convention === 'openai' || convention === 'gemini') {
    const cached = cacheRead + cacheWrite5m + cacheWrite1h;
    if (cached > input) {
      return invalid(
        `cache tokens (read ${cacheRead} + write ${cacheWrite5m + cacheWrite1h}) exceed inputTokens (${input}), which include them under the ${convention} convention`,
      );
    }
    uncached = input - cached;
  }
  let outputBucket = output;
  if (convention !== 'gemini') {
    if (reasoning > output) {
      return invalid(
        `reasoningTokens (${reasoning}) exceed outputTokens (${output}), which include them under the ${convention} convention`,
      );
    }
    outputBucket = output - reasoning;
  }
  return {
    ok: true,
    usage: {
      input: uncached,
      cacheRead,
      cacheWrite5m,
      cacheWrite1h,
      output: outputBucket,
      reasoning,
    },
  };
}

function describe(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  return typeof value;
}
