/**
 * Long-context cliffs. Above a cliff (`tiers[].aboveInputTokens` in the price book) every token
 * of a call bills at the higher rate, so repricing needs to know which tokens belonged to calls
 * above each cliff. Counters summed per day cannot tell, so the processor records them apart:
 *
 *   ai_margin_long_context_tokens_total{customer_id, feature, provider, model, token_type, context_above}
 *
 * For every call whose total input (input + cache_read + cache_write_5m + cache_write_1h)
 * exceeds the lowest threshold of {@link LONG_CONTEXT_THRESHOLDS}, each bucket's tokens are
 * added (as well as to `ai_margin_tokens_total`, so these are a subset, not a new bucket) with
 * `context_above` = the highest threshold the call's input exceeded, as a decimal string. A
 * fixed ladder keeps cardinality bounded (no per-call label) and lets the replay price a call on
 * any target model whose cliffs are on the ladder.
 *
 * Here a cell's tokens become *segments*: tokens of calls whose input lies in (lo, hi]. A
 * segment that straddles a cliff cannot be priced exactly; it is priced at the dearer side and
 * reported as "cliff not reconstructable" (never silently cheaper).
 */
import { LONG_CONTEXT_THRESHOLDS } from '@ai-margin/conventions';
import { inputTokens, type LongContextBand, scaleTokens, type Tokens, zeroTokens } from './types';

export { LONG_CONTEXT_THRESHOLDS };

/** Tokens of calls whose total input lies in (lo, hi]. */
export interface Segment {
  lo: number;
  hi: number;
  tokens: Tokens;
}

/** The band a call with this much input lands in, or undefined below the ladder. */
export function bandOf(totalInput: number): number | undefined {
  let band: number | undefined;
  for (const t of LONG_CONTEXT_THRESHOLDS) if (totalInput > t) band = t;
  return band;
}

/**
 * Segments of a cell. `bandsKnown`: the source records bands, so tokens outside `bands` came
 * from calls at or below the lowest threshold. Otherwise one segment (0, max call input].
 */
export function segmentsOf(
  tokens: Tokens,
  bands: readonly LongContextBand[] | undefined,
  bandsKnown: boolean,
): Segment[] {
  const maxCall = inputTokens(tokens);
  if (!bandsKnown) return [{ lo: 0, hi: maxCall, tokens: { ...tokens } }];
  const rest = { ...tokens };
  const out: Segment[] = [];
  const sorted = [...(bands ?? [])].sort((a, b) => a.above - b.above);
  for (const b of sorted) {
    const i = LONG_CONTEXT_THRESHOLDS.indexOf(b.above);
    const next = i >= 0 ? LONG_CONTEXT_THRESHOLDS[i + 1] : undefined;
    out.push({
      lo: b.above,
      hi: Math.min(next ?? Number.POSITIVE_INFINITY, maxCall),
      tokens: { ...b.tokens },
    });
    for (const k of Object.keys(rest) as (keyof Tokens)[])
      rest[k] = Math.max(0, rest[k] - b.tokens[k]);
  }
  const lowest = LONG_CONTEXT_THRESHOLDS[0] ?? 0;
  out.unshift({ lo: 0, hi: Math.min(lowest, maxCall), tokens: rest });
  return out;
}

export function scaleSegments(segments: readonly Segment[], share: number, ratio = 1): Segment[] {
  return segments.map((s) => ({
    lo: s.lo * ratio,
    hi: s.hi * ratio,
    tokens: scaleTokens(s.tokens, share * ratio),
  }));
}

export function segmentTokens(segments: readonly Segment[]): Tokens {
  const t = zeroTokens();
  for (const s of segments) for (const k of Object.keys(t) as (keyof Tokens)[]) t[k] += s.tokens[k];
  return t;
}
