import { type Context, diag, propagation } from '@opentelemetry/api';
import type { Attribution } from './context';

/**
 * Opt-in propagation of attribution through W3C baggage, so a downstream service (which runs its
 * own MarginSpanProcessor) attributes its LLM calls to the same customer and feature.
 *
 * WARNING: baggage is sent in the `baggage` header of EVERY outgoing HTTP request made while the
 * context is active — to your own services, but also to LLM providers (OpenAI, Anthropic, ...)
 * and any third-party API. Only allow-listed keys are ever written or read, and values should be
 * opaque identifiers (e.g. an internal customer id or a pseudonym), never names, e-mails or
 * secrets. Nothing is propagated unless you pass an allow-list.
 */
export interface BaggagePropagationOptions {
  /**
   * Attribution keys (`customerId`, `feature`, or an extra key) that may travel in baggage.
   * Keys not in this list are neither written to nor read from baggage.
   */
  allowKeys: readonly string[];
}

/** Prefix of the baggage entry names: `ai_margin.customerId`, `ai_margin.feature`, ... */
export const BAGGAGE_KEY_PREFIX = 'ai_margin.';

/** Baggage entry name used for an attribution key. */
export function baggageKeyFor(attributionKey: string): string {
  return BAGGAGE_KEY_PREFIX + attributionKey;
}

// Baggage values are limited in practice (8 KiB header in total); ids longer than this are not
// identifiers and are dropped rather than truncated.
const MAX_BAGGAGE_VALUE_LENGTH = 256;

/**
 * The allow-listed attribution carried by the baggage in `ctx`, or `undefined` when there is none.
 * Never throws.
 */
export function attributionFromBaggage(
  ctx: Context,
  options: BaggagePropagationOptions,
): Attribution | undefined {
  try {
    const baggage = propagation.getBaggage(ctx);
    if (!baggage) return undefined;
    let found: Attribution | undefined;
    for (const key of options.allowKeys) {
      const value = baggage.getEntry(baggageKeyFor(key))?.value;
      if (typeof value === 'string' && value !== '' && value.length <= MAX_BAGGAGE_VALUE_LENGTH) {
        found ??= {};
        found[key] = value;
      }
    }
    return found;
  } catch (err) {
    diag.debug('ai-margin: could not read attribution from baggage', err);
    return undefined;
  }
}

/**
 * A context whose baggage also carries the allow-listed keys of `attribution` (existing baggage
 * entries are kept). Keys not in the allow-list are never written. Never throws.
 */
export function setAttributionBaggage(
  ctx: Context,
  attribution: Attribution,
  options: BaggagePropagationOptions,
): Context {
  try {
    let baggage = propagation.getBaggage(ctx) ?? propagation.createBaggage();
    let changed = false;
    for (const key of options.allowKeys) {
      const value = attribution[key];
      if (typeof value === 'string' && value !== '' && value.length <= MAX_BAGGAGE_VALUE_LENGTH) {
        baggage = baggage.setEntry(baggageKeyFor(key), { value });
        changed = true;
      }
    }
    return changed ? propagation.setBaggage(ctx, baggage) : ctx;
  } catch (err) {
    diag.debug('ai-margin: could not write attribution to baggage', err);
    return ctx;
  }
}
