/**
 * The service tier a `@google/genai` response was SERVED on, in the processor's names
 * (`ai_margin.service_tier`): Flex bills at a discount and Priority at a premium, and a Priority
 * request over its limit is served (and billed) as Standard, so the request's
 * `config.serviceTier` is not what the bill says. Read, first found wins:
 * - Gemini API: the `x-gemini-service-tier` response header, which SDK releases with
 *   `sdkHttpResponse` keep in `sdkHttpResponse.headers` (lower-case names; 1.0 keeps none);
 * - `usageMetadata.serviceTier` (the Gemini API's `UsageMetadata`, e.g. on 3.x embeddings);
 * - Vertex AI: `usageMetadata.trafficType` — `ON_DEMAND`, `ON_DEMAND_FLEX`, `ON_DEMAND_PRIORITY`.
 * Vertex provisioned throughput and off-peak traffic have no tier here (no list price to apply).
 */
import { isRecord } from '../common/module';

export type ServedTier = 'standard' | 'flex' | 'priority';

const TIER_HEADER = 'x-gemini-service-tier';

const TRAFFIC_TYPES: ReadonlyMap<unknown, ServedTier> = new Map<unknown, ServedTier>([
  ['ON_DEMAND', 'standard'],
  ['ON_DEMAND_FLEX', 'flex'],
  ['ON_DEMAND_PRIORITY', 'priority'],
]);

/** `standard` / `flex` / `priority` in any of Google's spellings (`FLEX`, `SERVICE_TIER_FLEX`). */
function tierName(raw: unknown): ServedTier | undefined {
  if (typeof raw !== 'string') return undefined;
  const name = raw.toLowerCase().replace(/^service_tier_/, '');
  return name === 'standard' || name === 'flex' || name === 'priority' ? name : undefined;
}

export function servedTierOf(response: Record<string, unknown>): ServedTier | undefined {
  const http = isRecord(response.sdkHttpResponse) ? response.sdkHttpResponse : undefined;
  const headers = http && isRecord(http.headers) ? http.headers : undefined;
  const fromHeader = tierName(headers?.[TIER_HEADER]);
  if (fromHeader) return fromHeader;
  const usage = isRecord(response.usageMetadata) ? response.usageMetadata : undefined;
  if (!usage) return undefined;
  return tierName(usage.serviceTier) ?? TRAFFIC_TYPES.get(usage.trafficType);
}
