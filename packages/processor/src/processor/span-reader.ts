import type { Attributes } from '@opentelemetry/api';
import type { RawUsage, UsageConvention } from '../cost/types';
import type { ServiceTier } from '../prices/types';
import { normalizeProvider } from './providers';

/** What the processor needs from a GenAI span, read from whichever spelling the span uses. */
export interface GenAiCall {
  provider: string;
  /** Response model, else request model; `undefined` when the span names none. */
  model: string | undefined;
  usage: RawUsage;
  convention: UsageConvention;
  /** Some usage count was present. */
  hasUsage: boolean;
  /** Name of the first usage attribute with an unusable value (wrong type, NaN, negative, huge). */
  invalidAttribute?: string;
  serviceTier?: ServiceTier;
}

/** Operations that are model calls. Agent/tool spans are skipped: they may sum their children. */
const INFERENCE_OPERATIONS = new Set([
  'chat',
  'text_completion',
  'generate_content',
  'embeddings',
  'completion',
  'embedding',
]);

// Largest token count accepted on a span: beyond this it is a unit or type error, not usage.
const MAX_TOKENS = 1e12;

/**
 * Spellings, most specific first. Peer-specific spellings are only looked up on that peer's spans
 * (OpenLLMetry marks its spans with `llm.request.type`; Anthropic-only counts need provider
 * `anthropic`), which keeps a semconv span to ~15 attribute lookups.
 */
const INPUT_KEYS = ['gen_ai.usage.input_tokens'];
const DEPRECATED_INPUT_KEYS = ['gen_ai.usage.prompt_tokens', 'llm.usage.prompt_tokens'];
const OUTPUT_KEYS = ['gen_ai.usage.output_tokens'];
const DEPRECATED_OUTPUT_KEYS = ['gen_ai.usage.completion_tokens', 'llm.usage.completion_tokens'];
const CACHE_READ_KEYS = ['gen_ai.usage.cache_read.input_tokens'];
const CACHE_WRITE_KEYS = [
  'gen_ai.usage.cache_creation.input_tokens',
  'gen_ai.usage.cache_write.input_tokens',
];
const CACHE_WRITE_5M_KEYS: readonly string[] = [];
const CACHE_WRITE_1H_KEYS = ['ai_margin.usage.cache_write_1h.input_tokens'];
const REASONING_KEYS = ['gen_ai.usage.reasoning.output_tokens'];
const OPENLLMETRY_MARKER = 'llm.request.type';
const OPENLLMETRY_CACHE_READ_KEYS = [
  ...CACHE_READ_KEYS,
  'gen_ai.usage.cache_read_input_tokens',
  'gen_ai.usage.input_tokens.cached',
];
const OPENLLMETRY_CACHE_WRITE_KEYS = [
  ...CACHE_WRITE_KEYS,
  'gen_ai.usage.cache_creation_input_tokens',
  'gen_ai.usage.input_tokens.cache_write',
];
const OPENLLMETRY_REASONING_KEYS = [
  ...REASONING_KEYS,
  'gen_ai.usage.reasoning_tokens',
  'gen_ai.usage.output_tokens.reasoning',
];
const ANTHROPIC_CACHE_WRITE_5M_KEYS = ['anthropic.usage.cache_creation.ephemeral_5m_input_tokens'];
const ANTHROPIC_CACHE_WRITE_1H_KEYS = [
  ...CACHE_WRITE_1H_KEYS,
  'anthropic.usage.cache_creation.ephemeral_1h_input_tokens',
];
const SERVICE_TIER_KEYS = ['ai_margin.service_tier'];
const OPENAI_SERVICE_TIER_KEYS = [
  'ai_margin.service_tier',
  'openai.response.service_tier',
  'gen_ai.openai.response.service_tier',
];
const ANTHROPIC_SERVICE_TIER_KEYS = ['ai_margin.service_tier', 'anthropic.response.service_tier'];
const MODEL_KEYS = [
  'gen_ai.response.model',
  'gen_ai.request.model',
  'ai.response.model',
  'ai.model.id',
  'llm.response.model',
  'llm.request.model',
];

// Vercel AI SDK.
const VERCEL_OPERATION = 'ai.operationId';
const VERCEL_PROVIDER = 'ai.model.provider';
const VERCEL_CALL = /\.do(Generate|Stream|Embed)$/;
const VERCEL_INPUT_KEYS = ['ai.usage.inputTokens', 'ai.usage.promptTokens'];
const VERCEL_OUTPUT_KEYS = ['ai.usage.outputTokens', 'ai.usage.completionTokens'];
const VERCEL_CACHE_READ_KEYS = ['ai.usage.cachedInputTokens'];
const VERCEL_REASONING_KEYS = ['ai.usage.reasoningTokens'];
const VERCEL_NO_CACHE_KEYS = ['ai.usage.inputTokenDetails.noCacheTokens'];
const VERCEL_CACHE_READ_DETAIL_KEYS = ['ai.usage.inputTokenDetails.cacheReadTokens'];
const VERCEL_CACHE_WRITE_DETAIL_KEYS = ['ai.usage.inputTokenDetails.cacheWriteTokens'];

const ABSENT = -1;
const INVALID = -2;

// One pass over the span's attributes (a for-in over a fast-mode object is cheap) copies the
// values of every spelling we read into slots; the readers then look at slots instead of doing
// ~16 keyed lookups on the attributes object, most of them misses (measured ~2x faster).
const SLOT_BY_NAME = new Map<string, number>();
const NAME_BY_SLOT: string[] = [];
function slots(names: readonly string[]): readonly number[] {
  return names.map((name) => {
    let slot = SLOT_BY_NAME.get(name);
    if (slot === undefined) {
      slot = NAME_BY_SLOT.length;
      SLOT_BY_NAME.set(name, slot);
      NAME_BY_SLOT.push(name);
    }
    return slot;
  });
}

const S = {
  input: slots(INPUT_KEYS),
  deprecatedInput: slots(DEPRECATED_INPUT_KEYS),
  output: slots(OUTPUT_KEYS),
  deprecatedOutput: slots(DEPRECATED_OUTPUT_KEYS),
  cacheRead: slots(CACHE_READ_KEYS),
  cacheWrite: slots(CACHE_WRITE_KEYS),
  cacheWrite5m: slots(CACHE_WRITE_5M_KEYS),
  cacheWrite1h: slots(CACHE_WRITE_1H_KEYS),
  reasoning: slots(REASONING_KEYS),
  openllmetryMarker: slots([OPENLLMETRY_MARKER]),
  openllmetryCacheRead: slots(OPENLLMETRY_CACHE_READ_KEYS),
  openllmetryCacheWrite: slots(OPENLLMETRY_CACHE_WRITE_KEYS),
  openllmetryReasoning: slots(OPENLLMETRY_REASONING_KEYS),
  anthropicCacheWrite5m: slots(ANTHROPIC_CACHE_WRITE_5M_KEYS),
  anthropicCacheWrite1h: slots(ANTHROPIC_CACHE_WRITE_1H_KEYS),
  tier: slots(SERVICE_TIER_KEYS),
  openaiTier: slots(OPENAI_SERVICE_TIER_KEYS),
  anthropicTier: slots(ANTHROPIC_SERVICE_TIER_KEYS),
  model: slots(MODEL_KEYS),
  operation: slots(['gen_ai.operation.name']),
  vercelProvider: slots([VERCEL_PROVIDER, 'gen_ai.system']),
  vercelInput: slots(VERCEL_INPUT_KEYS),
  vercelOutput: slots(VERCEL_OUTPUT_KEYS),
  vercelCacheRead: slots(VERCEL_CACHE_READ_KEYS),
  vercelReasoning: slots(VERCEL_REASONING_KEYS),
  vercelNoCache: slots(VERCEL_NO_CACHE_KEYS),
  vercelCacheReadDetail: slots(VERCEL_CACHE_READ_DETAIL_KEYS),
  vercelCacheWriteDetail: slots(VERCEL_CACHE_WRITE_DETAIL_KEYS),
};

/** Slot values of the span being read. Reading is synchronous, so one scratch array suffices. */
const values: unknown[] = new Array(NAME_BY_SLOT.length).fill(undefined);
const filled: number[] = [];

function collect(attrs: Attributes): void {
  for (const key in attrs) {
    const slot = SLOT_BY_NAME.get(key);
    if (slot !== undefined) {
      values[slot] = attrs[key];
      filled.push(slot);
    }
  }
}

function clear(): void {
  for (let i = 0; i < filled.length; i++) values[filled[i] as number] = undefined;
  filled.length = 0;
}

/**
 * Reads one count without allocating: the value, {@link ABSENT}, or {@link INVALID} (then
 * `reader.invalidKey` names the attribute). First present spelling wins.
 */
function readCount(keys: readonly number[]): number {
  for (let i = 0; i < keys.length; i++) {
    const slot = keys[i] as number;
    const v = values[slot];
    if (v === undefined || v === null) continue;
    if (typeof v === 'number' && v >= 0 && v <= MAX_TOKENS) return v; // NaN fails both tests
    r.invalidKey ??= NAME_BY_SLOT[slot];
    return INVALID;
  }
  return ABSENT;
}

function firstString(keys: readonly number[]): string | undefined {
  for (let i = 0; i < keys.length; i++) {
    const v = values[keys[i] as number];
    if (typeof v === 'string' && v !== '') return v;
  }
  return undefined;
}

function serviceTierOf(provider: string): ServiceTier | undefined {
  const keys =
    provider === 'openai' || provider === 'azure.ai.openai'
      ? S.openaiTier
      : provider === 'anthropic'
        ? S.anthropicTier
        : S.tier;
  const raw = firstString(keys);
  if (raw === undefined) return undefined;
  switch (raw.toLowerCase()) {
    case 'flex':
      return 'flex';
    case 'priority':
      return 'priority';
    case 'batch':
      return 'batch';
    default:
      // `default`, `auto`, `standard`, `standard_only`, `scale`: billed at the standard price.
      return 'standard';
  }
}

/** Usage convention of the deprecated `prompt_tokens` spellings: the provider's own accounting. */
function nativeConvention(provider: string): UsageConvention {
  if (provider === 'anthropic') return 'anthropic';
  if (provider === 'aws.bedrock') return 'bedrock';
  if (provider.startsWith('gcp.')) return 'gemini';
  if (provider === 'openai' || provider === 'azure.ai.openai') return 'openai';
  return 'semconv';
}

/** Usage being read from one span (module state: reading is synchronous and not re-entrant). */
const r: { usage: RawUsage; hasUsage: boolean; invalidKey: string | undefined } = {
  usage: {},
  hasUsage: false,
  invalidKey: undefined,
};

function startUsage(): void {
  r.usage = {};
  r.hasUsage = false;
  r.invalidKey = undefined;
}

function take(field: keyof RawUsage, count: number): void {
  if (count === ABSENT) return;
  r.hasUsage = true;
  if (count !== INVALID) r.usage[field] = count;
}

/**
 * Reads a GenAI model call from span attributes, or returns `undefined` when the span is not one
 * (no provider, or an agent/tool span, or a Vercel wrapper span whose children are the calls).
 * Never throws for any attribute values.
 */
export function readGenAiCall(attrs: Attributes): GenAiCall | undefined {
  // Cheap gate first: most spans of a service are not GenAI spans.
  const vercelOperation = attrs[VERCEL_OPERATION];
  const rawProvider = attrs['gen_ai.provider.name'] ?? attrs['gen_ai.system'];
  if (
    typeof vercelOperation !== 'string' &&
    (typeof rawProvider !== 'string' || rawProvider === '')
  ) {
    return undefined;
  }
  collect(attrs);
  try {
    return typeof vercelOperation === 'string'
      ? readVercel(vercelOperation)
      : readSemconv(rawProvider as string);
  } finally {
    clear();
  }
}

function readSemconv(rawProvider: string): GenAiCall | undefined {
  const operation = values[S.operation[0] as number];
  if (typeof operation === 'string' && !INFERENCE_OPERATIONS.has(operation)) return undefined;

  const provider = normalizeProvider(rawProvider);
  startUsage();
  let convention: UsageConvention = 'semconv';
  let input = readCount(S.input);
  if (input === ABSENT) {
    input = readCount(S.deprecatedInput);
    if (input >= 0) convention = nativeConvention(provider);
  }
  take('inputTokens', input);
  let output = readCount(S.output);
  if (output === ABSENT) output = readCount(S.deprecatedOutput);
  take('outputTokens', output);
  const openllmetry = values[S.openllmetryMarker[0] as number] !== undefined;
  const anthropic = provider === 'anthropic';
  take('cacheReadTokens', readCount(openllmetry ? S.openllmetryCacheRead : S.cacheRead));
  const write5m = readCount(anthropic ? S.anthropicCacheWrite5m : S.cacheWrite5m);
  const write1h = readCount(anthropic ? S.anthropicCacheWrite1h : S.cacheWrite1h);
  const writeTotal = readCount(openllmetry ? S.openllmetryCacheWrite : S.cacheWrite);
  if (write1h !== ABSENT) {
    take('cacheWrite1hTokens', write1h);
    if (write5m !== ABSENT) take('cacheWrite5mTokens', write5m);
    else if (writeTotal >= 0 && write1h >= 0) {
      // Only the total and the 1-hour part are known: the rest are 5-minute writes.
      take('cacheWrite5mTokens', Math.max(0, writeTotal - write1h));
    } else take('cacheWrite5mTokens', writeTotal);
  } else if (write5m !== ABSENT) {
    take('cacheWrite5mTokens', write5m);
  } else {
    take('cacheWriteTokens', writeTotal);
  }
  take('reasoningTokens', readCount(openllmetry ? S.openllmetryReasoning : S.reasoning));

  // An operation-less span without usage (e.g. `anthropic.messages.count_tokens`) is not a call.
  if (operation === undefined && !r.hasUsage) return undefined;
  return {
    provider,
    model: firstString(S.model),
    usage: r.usage,
    convention,
    hasUsage: r.hasUsage,
    invalidAttribute: r.invalidKey,
    serviceTier: serviceTierOf(provider),
  };
}

function readVercel(operation: string): GenAiCall | undefined {
  // `ai.generateText` wraps one `ai.generateText.doGenerate` per step; only the latter is a call.
  if (!VERCEL_CALL.test(operation)) return undefined;
  const rawProvider = firstString(S.vercelProvider);
  if (rawProvider === undefined) return undefined;
  const provider = normalizeProvider(rawProvider);
  startUsage();
  const noCache = readCount(S.vercelNoCache);
  let convention: UsageConvention;
  if (noCache !== ABSENT) {
    // AI SDK 6 detail counts are non-overlapping: read them with the "input excludes cache" rule.
    convention = 'anthropic';
    take('inputTokens', noCache);
    take('cacheReadTokens', readCount(S.vercelCacheReadDetail));
    take('cacheWriteTokens', readCount(S.vercelCacheWriteDetail));
  } else {
    // AI SDK <= 5 passes the provider's own counts through (Anthropic input excludes cache;
    // Google output excludes thoughts).
    convention =
      provider === 'anthropic' ? 'anthropic' : provider.startsWith('gcp.') ? 'gemini' : 'openai';
    take('inputTokens', readCount(S.vercelInput));
    take('cacheReadTokens', readCount(S.vercelCacheRead));
  }
  take('outputTokens', readCount(S.vercelOutput));
  take('reasoningTokens', readCount(S.vercelReasoning));
  return {
    provider,
    model: firstString(S.model),
    usage: r.usage,
    convention,
    hasUsage: r.hasUsage,
    invalidAttribute: r.invalidKey,
    serviceTier: serviceTierOf(provider),
  };
}
