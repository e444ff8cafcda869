/**
 * Usage normalisation: one documented mapping per provider convention from the counts a provider
 * reports to non-overlapping token buckets. Never throws, whatever the input.
 */
import { UNPRICED_REASON } from '@ai-margin/conventions';
import type { BucketUsage, RawUsage, UsageConvention } from './types';

export type NormalizeResult =
  | { ok: true; usage: BucketUsage }
  | {
      ok: false;
      reason: typeof UNPRICED_REASON.missingUsage | typeof UNPRICED_REASON.invalidUsage;
      detail: string;
    };

const FIELDS: readonly (keyof RawUsage)[] = [
  'inputTokens',
  'outputTokens',
  'cacheReadTokens',
  'cacheWriteTokens',
  'cacheWrite5mTokens',
  'cacheWrite1hTokens',
  'cacheWrite30mTokens',
  'cacheWrite12hTokens',
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
  return { ok: false, reason: UNPRICED_REASON.invalidUsage, detail };
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
 * Cache writes: `cacheWrite5mTokens`/`cacheWrite1hTokens` (Anthropic) and `cacheWrite30mTokens`/
 * `cacheWrite12hTokens` (OpenAI) when reported; a 5-minute part missing from a split is
 * `cacheWriteTokens` − the other parts; without any split `cacheWriteTokens` are 5-minute writes
 * (which a model that prices writes by retention does not price: see the engine).
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
    return { ok: false, reason: UNPRICED_REASON.missingUsage, detail: 'no usage reported' };
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
  const usage = emptyBucketUsage();
  const problem = splitUsage(
    convention,
    n.inputTokens ?? ABSENT,
    n.outputTokens ?? ABSENT,
    n.cacheReadTokens ?? ABSENT,
    n.cacheWriteTokens ?? ABSENT,
    n.cacheWrite5mTokens ?? ABSENT,
    n.cacheWrite1hTokens ?? ABSENT,
    n.cacheWrite30mTokens ?? ABSENT,
    n.cacheWrite12hTokens ?? ABSENT,
    n.reasoningTokens ?? ABSENT,
    usage,
  );
  if (problem === 'no_usage') {
    return {
      ok: false,
      reason: UNPRICED_REASON.missingUsage,
      detail: 'neither inputTokens nor outputTokens reported',
    };
  }
  if (problem === 'cache_exceeds_input') {
    return invalid(
      `cache tokens (read ${usage.cacheRead} + write ${usage.cacheWrite5m + usage.cacheWrite1h + usage.cacheWrite30m + usage.cacheWrite12h}) exceed inputTokens (${n.inputTokens ?? 0}), which include them under the ${convention} convention`,
    );
  }
  if (problem === 'reasoning_exceeds_output') {
    return invalid(
      `reasoningTokens (${usage.reasoning}) exceed outputTokens (${n.outputTokens ?? 0}), which include them under the ${convention} convention`,
    );
  }
  // 'invalid_count' cannot happen here (every count was checked above, with its name).
  if (problem !== undefined) return invalid(`unknown usage convention "${String(convention)}"`);
  return { ok: true, usage };
}

/** Marks an absent count in {@link splitUsage}' arguments (and in the span reader's readings). */
export const ABSENT = -1;

/** A bucket object of zeros, for {@link splitUsage} to fill. */
export function emptyBucketUsage(): BucketUsage {
  return {
    input: 0,
    cacheRead: 0,
    cacheWrite5m: 0,
    cacheWrite1h: 0,
    cacheWrite30m: 0,
    cacheWrite12h: 0,
    output: 0,
    reasoning: 0,
  };
}

/** Why {@link splitUsage} could not map a set of counts. */
export type BucketMappingProblem =
  | 'no_usage'
  | 'invalid_count'
  | 'cache_exceeds_input'
  | 'reasoning_exceeds_output'
  | 'unknown_convention';

/** A count as {@link splitUsage} takes it: {@link ABSENT} or a non-negative integer. */
function isCount(v: number): boolean {
  return v === ABSENT || (Number.isInteger(v) && v >= 0);
}

/**
 * @internal The one usage-to-bucket split, shared by {@link normalizeUsage} and the span
 * processor's allocation-free path: checks the counts (non-negative integers, or {@link ABSENT};
 * an input or an output count present), fills `out` and returns `undefined`, or names the
 * problem. The cache fields of `out` are filled before a mapping problem is reported, so a
 * caller can describe it.
 */
export function splitUsage(
  convention: UsageConvention,
  inputTokens: number,
  outputTokens: number,
  cacheReadTokens: number,
  cacheWriteTokens: number,
  cacheWrite5mTokens: number,
  cacheWrite1hTokens: number,
  cacheWrite30mTokens: number,
  cacheWrite12hTokens: number,
  reasoningTokens: number,
  out: BucketUsage,
): BucketMappingProblem | undefined {
  if (inputTokens === ABSENT && outputTokens === ABSENT) return 'no_usage';
  if (
    !isCount(inputTokens) ||
    !isCount(outputTokens) ||
    !isCount(cacheReadTokens) ||
    !isCount(cacheWriteTokens) ||
    !isCount(cacheWrite5mTokens) ||
    !isCount(cacheWrite1hTokens) ||
    !isCount(cacheWrite30mTokens) ||
    !isCount(cacheWrite12hTokens) ||
    !isCount(reasoningTokens)
  ) {
    return 'invalid_count';
  }
  const input = inputTokens === ABSENT ? 0 : inputTokens;
  const output = outputTokens === ABSENT ? 0 : outputTokens;
  const cacheRead = cacheReadTokens === ABSENT ? 0 : cacheReadTokens;
  const reasoning = reasoningTokens === ABSENT ? 0 : reasoningTokens;
  const cacheWrite1h = cacheWrite1hTokens === ABSENT ? 0 : cacheWrite1hTokens;
  const cacheWrite30m = cacheWrite30mTokens === ABSENT ? 0 : cacheWrite30mTokens;
  const cacheWrite12h = cacheWrite12hTokens === ABSENT ? 0 : cacheWrite12hTokens;
  const cacheWriteTotal = cacheWriteTokens === ABSENT ? 0 : cacheWriteTokens;
  // The parts given; the rest of the total (else all of it) are 5-minute (unknown-retention) writes.
  const cacheWrite5m =
    cacheWrite5mTokens !== ABSENT
      ? cacheWrite5mTokens
      : Math.max(0, cacheWriteTotal - cacheWrite1h - cacheWrite30m - cacheWrite12h);
  out.cacheRead = cacheRead;
  out.cacheWrite5m = cacheWrite5m;
  out.cacheWrite1h = cacheWrite1h;
  out.cacheWrite30m = cacheWrite30m;
  out.cacheWrite12h = cacheWrite12h;
  out.reasoning = reasoning;

  let uncached: number;
  switch (convention) {
    case 'semconv':
    case 'openai':
    case 'gemini': {
      const cached = cacheRead + cacheWrite5m + cacheWrite1h + cacheWrite30m + cacheWrite12h;
      if (cached > input) return 'cache_exceeds_input';
      uncached = input - cached;
      break;
    }
    case 'anthropic':
    case 'bedrock':
      uncached = input;
      break;
    default:
      return 'unknown_convention';
  }
  let outputBucket = output;
  if (convention !== 'gemini') {
    if (reasoning > output) return 'reasoning_exceeds_output';
    outputBucket = output - reasoning;
  }
  out.input = uncached;
  out.output = outputBucket;
  return undefined;
}

function describe(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  return typeof value;
}
