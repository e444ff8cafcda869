import {
  ATTR_AI_MARGIN_INFERENCE_REGION,
  ATTR_AI_MARGIN_SERVICE_TIER,
  ATTR_AI_MARGIN_USAGE_AUDIO_INPUT_TOKENS,
  ATTR_AI_MARGIN_USAGE_AUDIO_OUTPUT_TOKENS,
  ATTR_AI_MARGIN_USAGE_CACHE_WRITE_1H_TOKENS,
  ATTR_AI_MARGIN_USAGE_CACHE_WRITE_12H_TOKENS,
  ATTR_AI_MARGIN_USAGE_CACHE_WRITE_30M_TOKENS,
  ATTR_AI_MARGIN_USAGE_CODE_EXECUTION_CALLS,
  ATTR_AI_MARGIN_USAGE_WEB_FETCH_CALLS,
  ATTR_AI_MARGIN_USAGE_WEB_SEARCH_CALLS,
  ATTR_GEN_AI_OPENAI_RESPONSE_SERVICE_TIER,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_SYSTEM,
  ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_COMPLETION_TOKENS,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_GEN_AI_USAGE_PROMPT_TOKENS,
  ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
  ATTR_SERVER_ADDRESS,
  GEN_AI_OPERATION,
  GEN_AI_PROVIDER,
} from '@ai-margin/conventions';
import type { Attributes } from '@opentelemetry/api';
import { ABSENT, type BucketMappingProblem, splitUsage } from '../cost/normalize';
import type { AudioTokens, BucketUsage, RawUsage, ToolCalls, UsageConvention } from '../cost/types';
import type { RequestedServiceTier } from '../prices/types';
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
  serviceTier?: RequestedServiceTier;
  /** Server-tool calls billed per call, when the span reports any (absent tools: 0). */
  toolCalls?: ToolCalls;
  /** Audio tokens inside the usage, when the span reports any. */
  audio?: AudioTokens;
  /** Where the call was processed (`global`, `us`, `eu`, ...), when the span says. */
  region?: string;
}

/** Operations that are model calls. Agent/tool spans are skipped: they may sum their children. */
const INFERENCE_OPERATIONS = new Set<string>([
  GEN_AI_OPERATION.chat,
  GEN_AI_OPERATION.textCompletion,
  GEN_AI_OPERATION.generateContent,
  GEN_AI_OPERATION.embeddings,
  'completion',
  'embedding',
]);

// Largest token count accepted on a span: beyond this it is a unit or type error, not usage.
const MAX_TOKENS = 1e12;

// Spellings. The semconv ones are read by direct property access with a constant key: each such
// site sees the few attribute-object shapes of the app's instrumentations, so V8 answers it from
// an inline cache (hit or miss) in a few ns. A loop over a key list would make one megamorphic
// site. Peer-specific spellings are only looked up on that peer's spans (OpenLLMetry marks its
// spans with `llm.request.type`; Anthropic-only counts need provider `anthropic`).
const OPERATION = ATTR_GEN_AI_OPERATION_NAME;
const PROVIDER = ATTR_GEN_AI_PROVIDER_NAME;
const SYSTEM = ATTR_GEN_AI_SYSTEM;
const INPUT = ATTR_GEN_AI_USAGE_INPUT_TOKENS;
const PROMPT = ATTR_GEN_AI_USAGE_PROMPT_TOKENS;
const LLM_PROMPT = 'llm.usage.prompt_tokens';
const OUTPUT = ATTR_GEN_AI_USAGE_OUTPUT_TOKENS;
const COMPLETION = ATTR_GEN_AI_USAGE_COMPLETION_TOKENS;
const LLM_COMPLETION = 'llm.usage.completion_tokens';
const CACHE_READ = ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS;
const CACHE_CREATION = ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS;
const CACHE_WRITE = ATTR_GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS;
const CACHE_WRITE_1H = ATTR_AI_MARGIN_USAGE_CACHE_WRITE_1H_TOKENS;
const CACHE_WRITE_30M = ATTR_AI_MARGIN_USAGE_CACHE_WRITE_30M_TOKENS;
const CACHE_WRITE_12H = ATTR_AI_MARGIN_USAGE_CACHE_WRITE_12H_TOKENS;
const REASONING = ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS;
const WEB_SEARCH_CALLS = ATTR_AI_MARGIN_USAGE_WEB_SEARCH_CALLS;
const AUDIO_INPUT = ATTR_AI_MARGIN_USAGE_AUDIO_INPUT_TOKENS;
const AUDIO_OUTPUT = ATTR_AI_MARGIN_USAGE_AUDIO_OUTPUT_TOKENS;
const INFERENCE_REGION = ATTR_AI_MARGIN_INFERENCE_REGION;
const SERVER_ADDRESS = ATTR_SERVER_ADDRESS;
/** OpenAI's data-residency hosts (`eu.api.openai.com`, `us.api.openai.com`, ...): the region. */
const OPENAI_REGIONAL_HOST = /^([a-z]{2,})\.api\.openai\.com$/i;
const OPENAI_GLOBAL_HOST = 'api.openai.com';
const WEB_FETCH_CALLS = ATTR_AI_MARGIN_USAGE_WEB_FETCH_CALLS;
const CODE_EXECUTION_CALLS = ATTR_AI_MARGIN_USAGE_CODE_EXECUTION_CALLS;
const RESPONSE_MODEL = ATTR_GEN_AI_RESPONSE_MODEL;
const REQUEST_MODEL = ATTR_GEN_AI_REQUEST_MODEL;
const TIER = ATTR_AI_MARGIN_SERVICE_TIER;
const OPENAI_TIER = ATTR_GEN_AI_OPENAI_RESPONSE_SERVICE_TIER;
const OPENAI_TIER_GEN_AI = 'gen_ai.openai.response.service_tier';
const ANTHROPIC_TIER = 'anthropic.response.service_tier';

const OPENLLMETRY_MARKER = 'llm.request.type';
const OPENLLMETRY_CACHE_READ_KEYS = [
  CACHE_READ,
  'gen_ai.usage.cache_read_input_tokens',
  'gen_ai.usage.input_tokens.cached',
];
const OPENLLMETRY_CACHE_WRITE_KEYS = [
  CACHE_CREATION,
  CACHE_WRITE,
  'gen_ai.usage.cache_creation_input_tokens',
  'gen_ai.usage.input_tokens.cache_write',
];
const OPENLLMETRY_REASONING_KEYS = [
  REASONING,
  'gen_ai.usage.reasoning_tokens',
  'gen_ai.usage.output_tokens.reasoning',
];
const ANTHROPIC_CACHE_WRITE_5M = 'anthropic.usage.cache_creation.ephemeral_5m_input_tokens';
const ANTHROPIC_CACHE_WRITE_1H = 'anthropic.usage.cache_creation.ephemeral_1h_input_tokens';
/** After the two semconv model keys (response, request). */
const PEER_MODEL_KEYS = [
  'ai.response.model',
  'ai.model.id',
  'llm.response.model',
  'llm.request.model',
];

// Vercel AI SDK. Up to AI SDK 6, and AI SDK 7 with `@ai-sdk/otel`'s `LegacyOpenTelemetry`:
// `ai.*` spans, read by `readVercel`. AI SDK 7's `OpenTelemetry` integration emits semconv spans
// (`invoke_agent` > `agent_step` > `chat`), read by `readSemconv`, plus the extras below.
const VERCEL_OPERATION = 'ai.operationId';
const VERCEL_PROVIDER_KEYS = ['ai.model.provider', SYSTEM];
const VERCEL_CALL = /\.do(Generate|Stream|Embed)$/;
// `ai.usage.tokens`: `ai.embed.doEmbed` / `ai.embedMany.doEmbed`.
const VERCEL_INPUT_KEYS = ['ai.usage.inputTokens', 'ai.usage.promptTokens', 'ai.usage.tokens'];
const VERCEL_OUTPUT_KEYS = ['ai.usage.outputTokens', 'ai.usage.completionTokens'];
const VERCEL_CACHE_READ_KEYS = ['ai.usage.cachedInputTokens'];
const VERCEL_REASONING_KEYS = ['ai.usage.reasoningTokens'];
const VERCEL_NO_CACHE_KEYS = ['ai.usage.inputTokenDetails.noCacheTokens'];
const VERCEL_CACHE_READ_DETAIL_KEYS = ['ai.usage.inputTokenDetails.cacheReadTokens'];
const VERCEL_CACHE_WRITE_DETAIL_KEYS = ['ai.usage.inputTokenDetails.cacheWriteTokens'];
/** On `chat` spans of `OpenTelemetry({ usage: true })`. */
const VERCEL_REASONING_DETAIL = 'ai.usage.outputTokenDetails.reasoningTokens';
/**
 * JSON text; the only place the AI SDK reports the service tier (OpenAI Responses, Anthropic)
 * and Anthropic's 1-hour cache writes. Always on legacy spans; on `chat` spans with
 * `OpenTelemetry({ providerMetadata: true })`.
 */
const VERCEL_PROVIDER_METADATA = 'ai.response.providerMetadata';
// Parsing costs about a microsecond: only text that can change the price is parsed.
const PRICE_CHANGING_METADATA =
  /"(?:flex|priority|batch)"|"ephemeral_1h_input_tokens":[1-9]|"speed":"fast"|"inference_geo":"(?!global")/;

/** A count that is present but unusable (ABSENT, from the usage split, marks a missing one). */
const INVALID = -2;

/**
 * @internal The processor's allocation-free form of {@link GenAiCall}: filled in place by
 * {@link readCallInto}. Each count is the `RawUsage` field's value, or {@link ABSENT}.
 */
export interface CallReading {
  provider: string;
  model: string | undefined;
  convention: UsageConvention;
  hasUsage: boolean;
  invalidAttribute: string | undefined;
  serviceTier: RequestedServiceTier | undefined;
  /** Some server-tool call count was present (then `toolCalls` holds them, absent ones 0). */
  hasToolCalls: boolean;
  /** Audio tokens (input + output) the span reports; ABSENT when none is reported. */
  audioTokens: number;
  /** Audio input tokens (part of the input), 0 when none. */
  audioInputTokens: number;
  /** Audio output tokens (part of the output), 0 when none. */
  audioOutputTokens: number;
  /** Where the call was processed (`global`, `us`, `eu`, ...), when the span says. */
  region: string | undefined;
  /** Reused: read only when `hasToolCalls`. */
  readonly toolCalls: ToolCalls;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  cacheWrite5mTokens: number;
  cacheWrite1hTokens: number;
  cacheWrite30mTokens: number;
  cacheWrite12hTokens: number;
  reasoningTokens: number;
}

/** @internal */
export function newCallReading(): CallReading {
  return {
    provider: '',
    model: undefined,
    convention: 'semconv',
    hasUsage: false,
    invalidAttribute: undefined,
    serviceTier: undefined,
    hasToolCalls: false,
    audioTokens: ABSENT,
    audioInputTokens: 0,
    audioOutputTokens: 0,
    region: undefined,
    toolCalls: { webSearch: 0, webFetch: 0, codeExecution: 0 },
    inputTokens: ABSENT,
    outputTokens: ABSENT,
    cacheReadTokens: ABSENT,
    cacheWriteTokens: ABSENT,
    cacheWrite5mTokens: ABSENT,
    cacheWrite1hTokens: ABSENT,
    cacheWrite30mTokens: ABSENT,
    cacheWrite12hTokens: ABSENT,
    reasoningTokens: ABSENT,
  };
}

function startUsage(out: CallReading): void {
  out.hasUsage = false;
  out.invalidAttribute = undefined;
  out.inputTokens = ABSENT;
  out.outputTokens = ABSENT;
  out.cacheReadTokens = ABSENT;
  out.cacheWriteTokens = ABSENT;
  out.cacheWrite5mTokens = ABSENT;
  out.cacheWrite1hTokens = ABSENT;
  out.cacheWrite30mTokens = ABSENT;
  out.cacheWrite12hTokens = ABSENT;
  out.reasoningTokens = ABSENT;
  out.hasToolCalls = false;
  out.audioTokens = ABSENT;
  out.audioInputTokens = 0;
  out.audioOutputTokens = 0;
  out.region = undefined;
}

/** A count as a `RawUsage` field (an invalid one is absent from the usage); notes usage seen. */
function field(out: CallReading, count: number): number {
  if (count === ABSENT) return ABSENT;
  out.hasUsage = true;
  return count === INVALID ? ABSENT : count;
}

/**
 * One count without allocating: the value, {@link ABSENT} (undefined or null), or {@link INVALID}
 * (then `out.invalidAttribute` names the first such attribute).
 */
function countOf(out: CallReading, v: unknown, key: string): number {
  if (v === undefined || v === null) return ABSENT;
  if (typeof v === 'number' && v >= 0 && v <= MAX_TOKENS) return v; // NaN fails both tests
  out.invalidAttribute ??= key;
  return INVALID;
}

/** First present spelling of `keys` wins (rare spellings only: this is one megamorphic site). */
function firstCount(out: CallReading, attrs: Attributes, keys: readonly string[]): number {
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const count = countOf(out, attrs[key], key);
    if (count !== ABSENT) return count;
  }
  return ABSENT;
}

function nonEmpty(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function firstString(attrs: Attributes, keys: readonly string[]): string | undefined {
  for (let i = 0; i < keys.length; i++) {
    const v = attrs[keys[i] as string];
    if (typeof v === 'string' && v !== '') return v;
  }
  return undefined;
}

function modelOf(attrs: Attributes): string | undefined {
  return (
    nonEmpty(attrs[RESPONSE_MODEL]) ??
    nonEmpty(attrs[REQUEST_MODEL]) ??
    firstString(attrs, PEER_MODEL_KEYS)
  );
}

function serviceTierOf(attrs: Attributes, provider: string): RequestedServiceTier | undefined {
  let raw = nonEmpty(attrs[TIER]);
  if (raw === undefined) {
    if (provider === GEN_AI_PROVIDER.openai || provider === GEN_AI_PROVIDER.azureOpenai) {
      raw = nonEmpty(attrs[OPENAI_TIER]) ?? nonEmpty(attrs[OPENAI_TIER_GEN_AI]);
    } else if (provider === GEN_AI_PROVIDER.anthropic) {
      raw = nonEmpty(attrs[ANTHROPIC_TIER]);
    }
    if (raw === undefined) return undefined;
  }
  return tierOf(raw);
}

function tierOf(raw: string): RequestedServiceTier {
  const tier = raw.toLowerCase();
  switch (tier) {
    case 'flex':
    case 'priority':
    case 'batch':
    case 'fast':
      return tier;
    case 'default':
    case 'auto':
    case 'standard':
    case 'standard_only':
    case 'on_demand':
    case 'scale':
      // Billed at the standard price (`scale` units are prepaid; per-token price is standard).
      return 'standard';
    default:
      // A tier we have no price for (OpenAI `ultrafast`, a new one): the engine makes the call
      // unpriced and names the tier, rather than pricing it as standard.
      return tier;
  }
}

/** Usage convention of the deprecated `prompt_tokens` spellings: the provider's own accounting. */
function nativeConvention(provider: string): UsageConvention {
  if (provider === GEN_AI_PROVIDER.anthropic) return 'anthropic';
  if (provider === GEN_AI_PROVIDER.awsBedrock) return 'bedrock';
  if (provider.startsWith('gcp.')) return 'gemini';
  if (provider === GEN_AI_PROVIDER.openai || provider === GEN_AI_PROVIDER.azureOpenai)
    return 'openai';
  return 'semconv';
}

/**
 * Reads a GenAI model call from span attributes, or returns `undefined` when the span is not one
 * (no provider, or an agent/tool span, or a Vercel wrapper span whose children are the calls).
 * Never throws for any attribute values.
 */
export function readGenAiCall(attrs: Attributes): GenAiCall | undefined {
  // Not the span path: a reading of its own per call (no shared module state).
  const c = newCallReading();
  if (!readCallInto(attrs, c)) return undefined;
  return {
    provider: c.provider,
    model: c.model,
    usage: rawUsageOf(c),
    convention: c.convention,
    hasUsage: c.hasUsage,
    invalidAttribute: c.invalidAttribute,
    serviceTier: c.serviceTier,
    ...(c.hasToolCalls ? { toolCalls: { ...c.toolCalls } } : {}),
    ...(c.audioTokens > 0
      ? { audio: { inputTokens: c.audioInputTokens, outputTokens: c.audioOutputTokens } }
      : {}),
    ...(c.region !== undefined ? { region: c.region } : {}),
  };
}

/** @internal The usage of a reading as `RawUsage` (only the fields present). */
export function rawUsageOf(c: CallReading): RawUsage {
  const usage: RawUsage = {};
  if (c.inputTokens >= 0) usage.inputTokens = c.inputTokens;
  if (c.outputTokens >= 0) usage.outputTokens = c.outputTokens;
  if (c.cacheReadTokens >= 0) usage.cacheReadTokens = c.cacheReadTokens;
  if (c.cacheWriteTokens >= 0) usage.cacheWriteTokens = c.cacheWriteTokens;
  if (c.cacheWrite5mTokens >= 0) usage.cacheWrite5mTokens = c.cacheWrite5mTokens;
  if (c.cacheWrite1hTokens >= 0) usage.cacheWrite1hTokens = c.cacheWrite1hTokens;
  if (c.cacheWrite30mTokens >= 0) usage.cacheWrite30mTokens = c.cacheWrite30mTokens;
  if (c.cacheWrite12hTokens >= 0) usage.cacheWrite12hTokens = c.cacheWrite12hTokens;
  if (c.reasoningTokens >= 0) usage.reasoningTokens = c.reasoningTokens;
  return usage;
}

/**
 * @internal The span path's allocation-free `normalizeUsage`: the one usage split
 * ({@link splitUsage}) of a reading's counts into `out`. `undefined` exactly when
 * `normalizeUsage(rawUsageOf(c), c.convention)` succeeds; otherwise ask it for the reason.
 */
export function splitReading(c: CallReading, out: BucketUsage): BucketMappingProblem | undefined {
  return splitUsage(
    c.convention,
    c.inputTokens,
    c.outputTokens,
    c.cacheReadTokens,
    c.cacheWriteTokens,
    c.cacheWrite5mTokens,
    c.cacheWrite1hTokens,
    c.cacheWrite30mTokens,
    c.cacheWrite12hTokens,
    c.reasoningTokens,
    out,
  );
}

/**
 * @internal {@link readGenAiCall} without allocating: fills `out` and returns `true` when the
 * span is a GenAI model call (`out` is then what `readGenAiCall` describes), else `false`.
 */
export function readCallInto(attrs: Attributes, out: CallReading): boolean {
  // Cheap gate first: most spans of a service are not GenAI spans.
  const vercelOperation = attrs[VERCEL_OPERATION];
  if (typeof vercelOperation === 'string') return readVercel(attrs, vercelOperation, out);
  const rawProvider = attrs[PROVIDER] ?? attrs[SYSTEM];
  if (typeof rawProvider !== 'string' || rawProvider === '') return false;
  return readSemconv(attrs, rawProvider, out);
}

function readSemconv(attrs: Attributes, rawProvider: string, out: CallReading): boolean {
  const operation = attrs[OPERATION];
  if (
    typeof operation === 'string' &&
    operation !== GEN_AI_OPERATION.chat &&
    !INFERENCE_OPERATIONS.has(operation)
  ) {
    return false;
  }

  const provider = normalizeProvider(rawProvider);
  startUsage(out);
  let convention: UsageConvention = 'semconv';
  let input = countOf(out, attrs[INPUT], INPUT);
  if (input === ABSENT) {
    input = countOf(out, attrs[PROMPT], PROMPT);
    if (input === ABSENT) input = countOf(out, attrs[LLM_PROMPT], LLM_PROMPT);
    if (input >= 0) convention = nativeConvention(provider);
  }
  out.inputTokens = field(out, input);
  let output = countOf(out, attrs[OUTPUT], OUTPUT);
  if (output === ABSENT) {
    output = countOf(out, attrs[COMPLETION], COMPLETION);
    if (output === ABSENT) output = countOf(out, attrs[LLM_COMPLETION], LLM_COMPLETION);
  }
  out.outputTokens = field(out, output);
  const openllmetry = attrs[OPENLLMETRY_MARKER] !== undefined;
  const anthropic = provider === GEN_AI_PROVIDER.anthropic;
  out.cacheReadTokens = field(
    out,
    openllmetry
      ? firstCount(out, attrs, OPENLLMETRY_CACHE_READ_KEYS)
      : countOf(out, attrs[CACHE_READ], CACHE_READ),
  );
  const write5m = anthropic
    ? countOf(out, attrs[ANTHROPIC_CACHE_WRITE_5M], ANTHROPIC_CACHE_WRITE_5M)
    : ABSENT;
  let write1h = countOf(out, attrs[CACHE_WRITE_1H], CACHE_WRITE_1H);
  if (write1h === ABSENT && anthropic) {
    write1h = countOf(out, attrs[ANTHROPIC_CACHE_WRITE_1H], ANTHROPIC_CACHE_WRITE_1H);
  }
  let writeTotal: number;
  if (openllmetry) writeTotal = firstCount(out, attrs, OPENLLMETRY_CACHE_WRITE_KEYS);
  else {
    writeTotal = countOf(out, attrs[CACHE_CREATION], CACHE_CREATION);
    if (writeTotal === ABSENT) writeTotal = countOf(out, attrs[CACHE_WRITE], CACHE_WRITE);
  }
  if (write1h !== ABSENT) {
    out.cacheWrite1hTokens = field(out, write1h);
    // Only the total and the 1-hour part known: the usage split makes the rest 5-minute writes.
    if (write5m !== ABSENT) out.cacheWrite5mTokens = field(out, write5m);
    else out.cacheWriteTokens = field(out, writeTotal);
  } else if (write5m !== ABSENT) {
    out.cacheWrite5mTokens = field(out, write5m);
  } else {
    out.cacheWriteTokens = field(out, writeTotal);
  }
  out.reasoningTokens = field(
    out,
    openllmetry
      ? firstCount(out, attrs, OPENLLMETRY_REASONING_KEYS)
      : countOf(out, attrs[REASONING], REASONING),
  );

  // OpenAI writes kept 30 min / 12 h (openai 7): parts of the cache-write total.
  out.cacheWrite30mTokens = field(out, countOf(out, attrs[CACHE_WRITE_30M], CACHE_WRITE_30M));
  out.cacheWrite12hTokens = field(out, countOf(out, attrs[CACHE_WRITE_12H], CACHE_WRITE_12H));
  readToolCalls(attrs, out);
  readAudio(attrs, out);

  // An operation-less span without usage (e.g. `anthropic.messages.count_tokens`) is not a call.
  if (operation === undefined && !out.hasUsage) return false;
  out.provider = provider;
  out.model = modelOf(attrs);
  out.convention = convention;
  out.region = regionOf(attrs, provider);
  out.serviceTier = serviceTierOf(attrs, provider);
  // A span without a tier attribute may be an AI SDK 7 `chat` span. Our instrumentations set a
  // tier on OpenAI and Anthropic spans, so they skip these lookups.
  if (out.serviceTier === undefined) {
    if (out.reasoningTokens === ABSENT) {
      out.reasoningTokens = field(
        out,
        countOf(out, attrs[VERCEL_REASONING_DETAIL], VERCEL_REASONING_DETAIL),
      );
    }
    readVercelMetadata(attrs, provider, out);
  }
  return true;
}

/** Server-tool call counts (per-call fees); an unusable one makes the call `invalid_usage`. */
function readToolCalls(attrs: Attributes, out: CallReading): void {
  const webSearch = countOf(out, attrs[WEB_SEARCH_CALLS], WEB_SEARCH_CALLS);
  const webFetch = countOf(out, attrs[WEB_FETCH_CALLS], WEB_FETCH_CALLS);
  const codeExecution = countOf(out, attrs[CODE_EXECUTION_CALLS], CODE_EXECUTION_CALLS);
  if (webSearch === ABSENT && webFetch === ABSENT && codeExecution === ABSENT) return;
  const calls = out.toolCalls;
  calls.webSearch = Math.max(webSearch, 0);
  calls.webFetch = Math.max(webFetch, 0);
  calls.codeExecution = Math.max(codeExecution, 0);
  out.hasToolCalls = true;
}

/** Audio token counts (priced apart from text by the providers); an unusable one is invalid. */
function readAudio(attrs: Attributes, out: CallReading): void {
  const input = countOf(out, attrs[AUDIO_INPUT], AUDIO_INPUT);
  const output = countOf(out, attrs[AUDIO_OUTPUT], AUDIO_OUTPUT);
  if (input === ABSENT && output === ABSENT) return;
  out.audioInputTokens = Math.max(input, 0);
  out.audioOutputTokens = Math.max(output, 0);
  out.audioTokens = out.audioInputTokens + out.audioOutputTokens;
}

/**
 * The processing region: `ai_margin.inference_region` (Anthropic `inference_geo`), else for
 * OpenAI the data-residency host in `server.address`. Other hosts (a proxy, Azure): unknown.
 */
function regionOf(attrs: Attributes, provider: string): string | undefined {
  const reported = attrs[INFERENCE_REGION];
  if (typeof reported === 'string' && reported !== '') return reported.toLowerCase();
  if (provider !== GEN_AI_PROVIDER.openai) return undefined;
  const host = attrs[SERVER_ADDRESS];
  if (typeof host !== 'string') return undefined;
  // The common host first, without allocating; the regex only for other hosts.
  if (host === OPENAI_GLOBAL_HOST) return 'global';
  const regional = OPENAI_REGIONAL_HOST.exec(host);
  if (regional !== null) return (regional[1] as string).toLowerCase();
  return host.toLowerCase() === OPENAI_GLOBAL_HOST ? 'global' : undefined;
}

function member(v: unknown, key: string): unknown {
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[key] : undefined;
}

/**
 * Service tier (Anthropic fast mode included), Anthropic 1-hour cache writes and `inference_geo`
 * from the AI SDK's provider metadata (see {@link VERCEL_PROVIDER_METADATA}); leaves `out` alone
 * when the text has none of them.
 */
function readVercelMetadata(attrs: Attributes, provider: string, out: CallReading): void {
  const text = attrs[VERCEL_PROVIDER_METADATA];
  if (typeof text !== 'string' || !PRICE_CHANGING_METADATA.test(text)) return;
  let meta: unknown;
  try {
    meta = JSON.parse(text);
  } catch {
    return;
  }
  let tier: unknown;
  if (provider === GEN_AI_PROVIDER.anthropic) {
    const usage = member(member(meta, 'anthropic'), 'usage');
    // Fast mode bills at its own multiplier; `usage.speed` wins over `service_tier`, as in the
    // Anthropic instrumentation.
    tier = member(usage, 'speed') === 'fast' ? 'fast' : member(usage, 'service_tier');
    const geo = member(usage, 'inference_geo');
    if (out.region === undefined && typeof geo === 'string' && geo !== '') {
      out.region = geo.toLowerCase();
    }
    const oneHour = member(member(usage, 'cache_creation'), 'ephemeral_1h_input_tokens');
    // Only as a part of the cache-write total the span reports (the rest are 5-minute writes).
    if (
      out.cacheWrite1hTokens === ABSENT &&
      typeof oneHour === 'number' &&
      Number.isInteger(oneHour) &&
      oneHour >= 0 &&
      oneHour <= out.cacheWriteTokens
    ) {
      out.cacheWrite1hTokens = oneHour;
    }
  } else if (provider === GEN_AI_PROVIDER.openai || provider === GEN_AI_PROVIDER.azureOpenai) {
    tier =
      member(member(meta, 'openai'), 'serviceTier') ?? member(member(meta, 'azure'), 'serviceTier');
  }
  if (typeof tier === 'string' && tier !== '') out.serviceTier = tierOf(tier);
}

function readVercel(attrs: Attributes, operation: string, out: CallReading): boolean {
  // `ai.generateText` wraps one `ai.generateText.doGenerate` per step; only the latter is a call.
  if (!VERCEL_CALL.test(operation)) return false;
  const rawProvider = firstString(attrs, VERCEL_PROVIDER_KEYS);
  if (rawProvider === undefined) return false;
  const provider = normalizeProvider(rawProvider);
  startUsage(out);
  const noCache = firstCount(out, attrs, VERCEL_NO_CACHE_KEYS);
  let convention: UsageConvention;
  if (noCache !== ABSENT) {
    // AI SDK 6 detail counts are non-overlapping: read them with the "input excludes cache" rule.
    convention = 'anthropic';
    out.inputTokens = field(out, noCache);
    out.cacheReadTokens = field(out, firstCount(out, attrs, VERCEL_CACHE_READ_DETAIL_KEYS));
    out.cacheWriteTokens = field(out, firstCount(out, attrs, VERCEL_CACHE_WRITE_DETAIL_KEYS));
  } else {
    // AI SDK <= 5 passes the provider's own counts through (Anthropic input excludes cache;
    // Google output excludes thoughts).
    convention =
      provider === GEN_AI_PROVIDER.anthropic
        ? 'anthropic'
        : provider.startsWith('gcp.')
          ? 'gemini'
          : 'openai';
    out.inputTokens = field(out, firstCount(out, attrs, VERCEL_INPUT_KEYS));
    out.cacheReadTokens = field(out, firstCount(out, attrs, VERCEL_CACHE_READ_KEYS));
  }
  out.outputTokens = field(out, firstCount(out, attrs, VERCEL_OUTPUT_KEYS));
  out.reasoningTokens = field(out, firstCount(out, attrs, VERCEL_REASONING_KEYS));
  out.provider = provider;
  out.model = modelOf(attrs);
  out.convention = convention;
  out.region = regionOf(attrs, provider);
  out.serviceTier = serviceTierOf(attrs, provider);
  if (out.serviceTier === undefined) readVercelMetadata(attrs, provider, out);
  return true;
}
