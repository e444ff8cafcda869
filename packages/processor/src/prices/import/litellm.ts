/**
 * Reader for BerriAI/litellm `model_prices_and_context_window.json`: an object keyed by model id
 * (optionally `provider/…`-prefixed), values in USD per token. LiteLLM has no effective dates, so
 * every model has one undated period; it does carry batch/flex/priority prices, long-context
 * (`_above_<n>k_tokens`) prices, Bedrock geo-prefixed ids and `deprecation_date`.
 */
import { GEO_PREFIXES } from '../model-id';
import type { BucketPrices, PriceTier, TokenBucket } from '../types';
import { ImportError, isRecord, MAX_DATASET_MODELS, perMillion, roundPrice } from './errors';
import type { SourceModel, SourcePeriod, SourceSet } from './types';

/** `litellm_provider` -> our provider name. Others are not imported. */
export const LITELLM_PROVIDERS: Readonly<Record<string, string>> = {
  openai: 'openai',
  text_completion_openai: 'openai',
  anthropic: 'anthropic',
  gemini: 'gcp.gemini',
  'vertex_ai-language-models': 'gcp.gemini',
  // Claude on Vertex AI: priced from google.json, whose provider aliases include gcp.vertex_ai.
  'vertex_ai-anthropic_models': 'gcp.gemini',
  bedrock: 'aws.bedrock',
  bedrock_converse: 'aws.bedrock',
};

const TEXT_MODES = new Set(['chat', 'completion', 'responses', 'embedding']);

const BASE_FIELDS: Readonly<Record<string, TokenBucket>> = {
  input_cost_per_token: 'input',
  output_cost_per_token: 'output',
  cache_read_input_token_cost: 'cacheRead',
  cache_creation_input_token_cost: 'cacheWrite5m',
  cache_creation_input_token_cost_above_1hr: 'cacheWrite1h',
  output_cost_per_reasoning_token: 'reasoning',
};

const FEATURE_FIELDS: Readonly<Record<string, string>> = {
  input_cost_per_audio_token: 'audio input tokens',
  output_cost_per_audio_token: 'audio output tokens',
  input_cost_per_image_token: 'image input tokens',
  output_cost_per_image_token: 'image output tokens',
  input_cost_per_image: 'per-image input fee',
  output_cost_per_image: 'per-image output fee',
  input_cost_per_video_per_second: 'video input per second',
  search_context_cost_per_query: 'web search per-call fee',
  regional_processing_uplift_multiplier_eu: 'OpenAI EU regional-processing uplift',
  regional_processing_uplift_multiplier_us: 'OpenAI US regional-processing uplift',
  cache_creation_input_token_cost_above_30min: 'cache write 30-minute TTL',
  cache_creation_input_token_cost_above_12hr: 'cache write 12-hour TTL',
};

const ABOVE = /^(.+)_above_(\d+)k_tokens$/;
const TIER_SUFFIX = /^(.+)_(batches|flex|priority)$/;

function num(value: unknown, file: string, model: string, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ImportError(file, 'must be a non-negative number (USD per token)', model, field);
  }
  return value;
}

/** Splits `bedrock/us.anthropic.x`, `gemini/gemini-3-pro` into the bare id and geo prefix. */
function bareId(key: string, provider: string): { id: string; geo?: string; skip?: string } {
  let id = key;
  const slash = id.indexOf('/');
  if (slash >= 0) {
    const head = id.slice(0, slash);
    if (
      ['gemini', 'bedrock', 'bedrock_converse', 'openai', 'anthropic', 'vertex_ai'].includes(head)
    ) {
      id = id.slice(slash + 1);
    }
    if (id.includes('/'))
      return { id, skip: 'per-region or per-commitment id (feature: per-region price)' };
  }
  if (provider === 'aws.bedrock') {
    const dot = id.indexOf('.');
    const prefix = dot > 0 ? id.slice(0, dot) : '';
    if (GEO_PREFIXES.includes(prefix)) return { id: id.slice(dot + 1), geo: prefix };
  }
  return { id };
}

interface Entry {
  key: string;
  geo?: string;
  period: SourcePeriod;
  features: string[];
  retiredOn?: string;
}

/**
 * OpenAI models (on OpenAI or Bedrock) bill cache writes with a 30-minute default retention, so
 * LiteLLM's `cache_creation_input_token_cost` is our `cacheWrite30m` for them (as in the
 * genai-prices reader), not the Anthropic-style 5-minute write.
 */
function bucketOf(field: string, openaiModel: boolean): TokenBucket | undefined {
  const bucket = BASE_FIELDS[field];
  return bucket === 'cacheWrite5m' && openaiModel ? 'cacheWrite30m' : bucket;
}

function readEntry(
  key: string,
  raw: Record<string, unknown>,
  file: string,
  provider: string,
): Entry | string {
  const openaiModel = provider === 'openai' || /(^|[./])openai\./.test(key);
  const prices: Partial<BucketPrices> = {};
  const tierBuckets = new Map<number, Partial<BucketPrices>>();
  const serviceInput: Partial<Record<'batch' | 'flex' | 'priority', number>> = {};
  const features: string[] = [];
  for (const [field, value] of Object.entries(raw)) {
    const base = bucketOf(field, openaiModel);
    if (base !== undefined) {
      prices[base] = perMillion(num(value, file, key, field));
      continue;
    }
    const above = ABOVE.exec(field);
    const aboveBucket = above ? bucketOf(above[1]!, openaiModel) : undefined;
    if (above && aboveBucket !== undefined) {
      const at = Number(above[2]) * 1000;
      const tier = tierBuckets.get(at) ?? {};
      tier[aboveBucket] = perMillion(num(value, file, key, field));
      tierBuckets.set(at, tier);
      continue;
    }
    const svc = TIER_SUFFIX.exec(field);
    if (svc && svc[1] === 'input_cost_per_token') {
      const name = svc[2] === 'batches' ? 'batch' : (svc[2] as 'flex' | 'priority');
      serviceInput[name] = num(value, file, key, field);
      continue;
    }
    const feature = FEATURE_FIELDS[field];
    if (feature !== undefined && value !== 0 && value !== undefined) {
      features.push(`${feature} ${JSON.stringify(value)}`);
    }
  }
  if (prices.input === undefined) return 'no input_cost_per_token';
  if (prices.output === undefined) prices.output = 0;
  const period: SourcePeriod = { prices: prices as BucketPrices };
  if (tierBuckets.size > 0) {
    const tiers: PriceTier[] = [...tierBuckets.entries()]
      .sort(([a], [b]) => a - b)
      .map(([at, t]) => ({ aboveInputTokens: at, prices: { ...(prices as BucketPrices), ...t } }));
    period.tiers = tiers;
  }
  const perToken = raw.input_cost_per_token as number;
  for (const [name, value] of Object.entries(serviceInput)) {
    if (perToken > 0) {
      period.serviceTiers ??= {};
      period.serviceTiers[name as 'batch'] = roundPrice(value / perToken);
    }
  }
  const entry: Entry = { key, period, features };
  if (typeof raw.deprecation_date === 'string') entry.retiredOn = raw.deprecation_date;
  return entry;
}

/** Reads a parsed LiteLLM price map. `file` names it in errors; `ref` goes into every `where`. */
export function readLitellm(data: unknown, file: string, ref: string): SourceSet {
  if (!isRecord(data)) {
    throw new ImportError(
      file,
      'LiteLLM model_prices_and_context_window.json must be a JSON object keyed by model id',
    );
  }
  const keys = Object.keys(data);
  if (keys.length > MAX_DATASET_MODELS) {
    throw new ImportError(
      file,
      `more than ${MAX_DATASET_MODELS} entries: refusing an unbounded input`,
    );
  }
  const skipped: string[] = [];
  // provider -> bare id -> geo ('' = none) -> entry
  const grouped = new Map<string, Map<string, Map<string, Entry>>>();
  for (const key of keys) {
    if (key === 'sample_spec' || key === 'fallback_generalizations') continue;
    const raw = data[key];
    if (!isRecord(raw)) throw new ImportError(file, 'entry must be an object', key);
    const lp = raw.litellm_provider;
    if (typeof lp !== 'string')
      throw new ImportError(file, 'missing "litellm_provider"', key, 'litellm_provider');
    const provider = LITELLM_PROVIDERS[lp];
    if (provider === undefined) continue;
    if (typeof raw.mode === 'string' && !TEXT_MODES.has(raw.mode)) continue;
    const { id, geo, skip } = bareId(key, provider);
    if (skip !== undefined) {
      skipped.push(`${key}: ${skip}`);
      continue;
    }
    const entry = readEntry(key, raw, file, provider);
    if (typeof entry === 'string') {
      skipped.push(`${key}: ${entry}`);
      continue;
    }
    if (geo !== undefined) entry.geo = geo;
    let byId = grouped.get(provider);
    if (!byId) {
      byId = new Map();
      grouped.set(provider, byId);
    }
    let byGeo = byId.get(id);
    if (!byGeo) {
      byGeo = new Map();
      byId.set(id, byGeo);
    }
    // `gemini/x` and `x` (vertex) may both exist: keep the first, the second is a duplicate.
    const slot = geo ?? '';
    if (byGeo.has(slot)) continue;
    byGeo.set(slot, entry);
  }
  const models: SourceModel[] = [];
  for (const [provider, byId] of grouped) {
    for (const [id, byGeo] of byId) {
      const global = byGeo.get('global');
      const plain = byGeo.get('') ?? byGeo.get('us') ?? byGeo.get('eu');
      const main = global ?? plain ?? [...byGeo.values()][0]!;
      const period: SourcePeriod = { ...main.period };
      if (provider === 'aws.bedrock' && global && plain && global.period.prices.input > 0) {
        const ratio = roundPrice(plain.period.prices.input / global.period.prices.input);
        if (ratio !== 1) period.regionalUplift = ratio;
      }
      const model: SourceModel = {
        provider,
        datasetId: main.key,
        id,
        aliases: [],
        patterns: [],
        periods: [period],
        features: [...new Set([...byGeo.values()].flatMap((e) => e.features))],
        where: `litellm ${ref} model_prices_and_context_window.json key ${main.key}`,
      };
      if (main.retiredOn !== undefined) model.retiredOn = main.retiredOn;
      models.push(model);
    }
  }
  return { dataset: 'litellm', ref, models, skipped };
}
