import type { BucketUsage } from '../cost/types';
import type { CallReading } from './span-reader';

/** A reusable bucket object, filled in place by {@link fastBuckets}. */
export function emptyBuckets(): BucketUsage {
  return { input: 0, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 0, output: 0, reasoning: 0 };
}

/** A `RawUsage` count as a reading holds it: -1 (absent) or a non-negative integer. */
function isCount(v: number): boolean {
  return v === -1 || (Number.isInteger(v) && v >= 0);
}

/**
 * The span path's allocation-free `normalizeUsage`: fills `out` with exactly the buckets
 * `normalizeUsage(rawUsageOf(c), c.convention)` returns when that succeeds, and returns `true`.
 * Returns `false` for anything else (missing, invalid or inconsistent counts, unknown
 * convention) without deciding why: the caller then asks `normalizeUsage` for the reason. The
 * mapping rules are documented on `normalizeUsage`; a property test keeps the two in step.
 */
export function fastBuckets(c: CallReading, out: BucketUsage): boolean {
  const inputTokens = c.inputTokens;
  const outputTokens = c.outputTokens;
  const cacheReadTokens = c.cacheReadTokens;
  const cacheWriteTokens = c.cacheWriteTokens;
  const cacheWrite5mTokens = c.cacheWrite5mTokens;
  const cacheWrite1hTokens = c.cacheWrite1hTokens;
  const reasoningTokens = c.reasoningTokens;
  if (
    (inputTokens === -1 && outputTokens === -1) ||
    !isCount(inputTokens) ||
    !isCount(outputTokens) ||
    !isCount(cacheReadTokens) ||
    !isCount(cacheWriteTokens) ||
    !isCount(cacheWrite5mTokens) ||
    !isCount(cacheWrite1hTokens) ||
    !isCount(reasoningTokens)
  ) {
    return false;
  }
  // Absent counts are 0.
  const input = inputTokens === -1 ? 0 : inputTokens;
  const output = outputTokens === -1 ? 0 : outputTokens;
  const cacheRead = cacheReadTokens === -1 ? 0 : cacheReadTokens;
  const reasoning = reasoningTokens === -1 ? 0 : reasoningTokens;
  let cacheWrite5m: number;
  let cacheWrite1h: number;
  if (cacheWrite5mTokens !== -1 || cacheWrite1hTokens !== -1) {
    cacheWrite1h = cacheWrite1hTokens === -1 ? 0 : cacheWrite1hTokens;
    cacheWrite5m =
      cacheWrite5mTokens !== -1
        ? cacheWrite5mTokens
        : Math.max(0, (cacheWriteTokens === -1 ? 0 : cacheWriteTokens) - cacheWrite1h);
  } else {
    cacheWrite1h = 0;
    cacheWrite5m = cacheWriteTokens === -1 ? 0 : cacheWriteTokens;
  }
  const convention = c.convention;
  let uncached: number;
  let outputBucket: number;
  switch (convention) {
    case 'semconv':
    case 'openai':
    case 'gemini': {
      const cached = cacheRead + cacheWrite5m + cacheWrite1h;
      if (cached > input) return false;
      uncached = input - cached;
      break;
    }
    case 'anthropic':
    case 'bedrock':
      uncached = input;
      break;
    default:
      return false;
  }
  if (convention === 'gemini') outputBucket = output;
  else {
    if (reasoning > output) return false;
    outputBucket = output - reasoning;
  }
  out.input = uncached;
  out.cacheRead = cacheRead;
  out.cacheWrite5m = cacheWrite5m;
  out.cacheWrite1h = cacheWrite1h;
  out.output = outputBucket;
  out.reasoning = reasoning;
  return true;
}
