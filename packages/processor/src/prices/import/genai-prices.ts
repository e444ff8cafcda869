/**
 * Reader for pydantic/genai-prices `prices/new_data/v2/data.json` (a JSON array of providers,
 * each with `models[]`; a model's `prices` is one ModelPrice or a list of ConditionalPrice whose
 * entries carry `constraint.start_date`). Output: `SourceModel`s in our units and provider names.
 */
import type { BucketPrices, PriceKey, PricePeriod, PriceTier } from '../types';
import { ImportError, isRecord, MAX_DATASET_MODELS, roundPrice } from './errors';
import type { SourceModel, SourcePeriod, SourceSet } from './types';

/** genai-prices provider id -> our `gen_ai.provider.name`. Other providers are not imported. */
export const GENAI_PROVIDERS: Readonly<Record<string, string>> = {
  openai: 'openai',
  anthropic: 'anthropic',
  google: 'gcp.gemini',
  aws: 'aws.bedrock',
};

/** Price keys that map onto our buckets. `cache_write_mtok` depends on the provider (see below). */
const KEY_BUCKET: Readonly<Record<string, PriceKey>> = {
  input_mtok: 'input',
  output_mtok: 'output',
  cache_read_mtok: 'cacheRead',
  cache_write_1h_mtok: 'cacheWrite1h',
  output_reasoning_mtok: 'reasoning',
  input_audio_mtok: 'inputAudio',
  cache_audio_read_mtok: 'cacheReadAudio',
  output_audio_mtok: 'outputAudio',
};

const FEATURE_NAMES: Readonly<Record<string, string>> = {
  input_image_mtok: 'image input tokens',
  output_image_mtok: 'image output tokens',
  cache_image_read_mtok: 'cached image input tokens',
  input_video_mtok: 'video input tokens',
  output_video_mtok: 'video output tokens',
  web_searches_kcount: 'web search per-call fee',
  requests_kcount: 'per-request fee',
  output_citation_mtok: 'citation tokens',
};

interface Tiered {
  base: number;
  tiers: { start: number; price: number }[];
}

type Ctx = { file: string; model: string };

function readPrice(value: unknown, ctx: Ctx, field: string): number | Tiered {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) {
      throw new ImportError(ctx.file, 'must be a non-negative number', ctx.model, field);
    }
    return value;
  }
  if (!isRecord(value) || typeof value.base !== 'number' || !Array.isArray(value.tiers)) {
    throw new ImportError(
      ctx.file,
      'must be a number or {base, tiers: [{start, price}]}',
      ctx.model,
      field,
    );
  }
  const tiers = value.tiers.map((t, i) => {
    if (!isRecord(t) || typeof t.start !== 'number' || typeof t.price !== 'number') {
      throw new ImportError(
        ctx.file,
        'tier must be {start, price}',
        ctx.model,
        `${field}.tiers[${i}]`,
      );
    }
    return { start: t.start, price: t.price };
  });
  return { base: value.base, tiers };
}

/** One genai-prices ModelPrice -> our bucket prices and cliff tiers, plus unrepresentable keys. */
export function convertModelPrice(
  raw: unknown,
  provider: string,
  ctx: Ctx,
  field: string,
):
  | {
      prices: BucketPrices;
      tiers?: PriceTier[];
      toolFees?: PricePeriod['toolFees'];
      features: string[];
    }
  | undefined {
  if (!isRecord(raw)) throw new ImportError(ctx.file, 'must be an object', ctx.model, field);
  const features: string[] = [];
  const buckets = new Map<PriceKey, number | Tiered>();
  let toolFees: PricePeriod['toolFees'];
  for (const [key, value] of Object.entries(raw)) {
    const price = readPrice(value, ctx, `${field}.${key}`);
    let bucket: PriceKey | undefined = KEY_BUCKET[key];
    if (key === 'web_searches_kcount' && typeof price === 'number') {
      // USD per 1,000 searches: our toolFees unit.
      toolFees = { webSearch: roundPrice(price) };
      continue;
    }
    if (key === 'cache_write_mtok') {
      // OpenAI models bill cache writes by retention: the published write price is the 30-minute
      // one (genai-prices' Bedrock comments say so; OpenAI's default retention). 12-hour writes
      // have no published price, so they stay unpriced (no cacheWrite12h).
      const openaiModel = provider === 'openai' || /(^|[./])openai\./.test(ctx.model);
      if (openaiModel)
        features.push('12-hour cache-write price (none published: such writes stay unpriced)');
      bucket = openaiModel ? 'cacheWrite30m' : 'cacheWrite5m';
    }
    if (bucket === undefined) {
      features.push(`${FEATURE_NAMES[key] ?? key} ${describe(price)}`);
      continue;
    }
    buckets.set(bucket, price);
  }
  const input = buckets.get('input');
  const output = buckets.get('output');
  if (input === undefined || output === undefined) return undefined;
  const prices = {} as BucketPrices;
  const starts = new Set<number>();
  for (const [bucket, price] of buckets) {
    prices[bucket] = typeof price === 'number' ? price : price.base;
    if (typeof price !== 'number') for (const t of price.tiers) starts.add(t.start);
  }
  const fees = toolFees ? { toolFees } : {};
  if (starts.size === 0) return { prices, ...fees, features };
  const tiers: PriceTier[] = [...starts]
    .sort((a, b) => a - b)
    .map((start) => {
      const tierPrices = {} as BucketPrices;
      for (const [bucket, price] of buckets) {
        if (typeof price === 'number') tierPrices[bucket] = price;
        else {
          const applicable = price.tiers
            .filter((t) => t.start <= start)
            .sort((a, b) => a.start - b.start);
          tierPrices[bucket] =
            applicable.length > 0 ? applicable[applicable.length - 1]!.price : price.base;
        }
      }
      return { aboveInputTokens: start, prices: tierPrices };
    });
  return { prices, tiers, ...fees, features };
}

function describe(price: number | Tiered): string {
  if (typeof price === 'number') return String(roundPrice(price));
  return `${price.base} (tiers ${price.tiers.map((t) => `>${t.start}: ${t.price}`).join(', ')})`;
}

const LITERAL_REGEX = /^\^((?:[A-Za-z0-9_:-]|\\\.)+)\$$/;

/** Walks a genai-prices match clause: exact ids become aliases, the rest are reported patterns. */
function collectMatch(
  clause: unknown,
  aliases: string[],
  patterns: string[],
  ctx: Ctx,
  field: string,
): void {
  if (!isRecord(clause))
    throw new ImportError(ctx.file, 'match clause must be an object', ctx.model, field);
  for (const [op, value] of Object.entries(clause)) {
    if (op === 'or' || op === 'and') {
      if (!Array.isArray(value))
        throw new ImportError(ctx.file, `"${op}" must be a list`, ctx.model, `${field}.${op}`);
      if (op === 'and') {
        patterns.push(`and(${JSON.stringify(value)})`);
        continue;
      }
      for (const [i, c] of value.entries()) {
        collectMatch(c, aliases, patterns, ctx, `${field}.or[${i}]`);
      }
    } else if (typeof value !== 'string') {
      throw new ImportError(ctx.file, `"${op}" must be a string`, ctx.model, `${field}.${op}`);
    } else if (op === 'equals') {
      aliases.push(value);
    } else if (op === 'starts_with') {
      // The prefix itself is an exact id (unless it ends in a separator); longer ids it would
      // also match are reported.
      if (!/[-._:/]$/.test(value)) aliases.push(value);
      patterns.push(`starts_with ${value}`);
    } else if (op === 'regex') {
      const literal = LITERAL_REGEX.exec(value);
      if (literal) aliases.push(literal[1]!.replace(/\\\./g, '.'));
      else patterns.push(`regex ${value}`);
    } else {
      patterns.push(`${op} ${value}`);
    }
  }
}

const DATED_SNAPSHOT = /-(\d{4})-(\d{2})-(\d{2})$/;

/** A launch date stated by the dataset: an exact alias `<id>-YYYY-MM-DD`. */
function launchFromAliases(
  id: string,
  aliases: string[],
): { date: string; how: string } | undefined {
  const dates = aliases
    .filter((a) => a.startsWith(`${id}-`))
    .map((a) => DATED_SNAPSHOT.exec(a))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => `${m[1]}-${m[2]}-${m[3]}`)
    .sort();
  if (dates.length === 0) return undefined;
  return { date: dates[0]!, how: `dated snapshot id ${id}-${dates[0]}` };
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Reads a parsed genai-prices v2 data.json. `file` names it in errors; `ref` (commit id or URL)
 * goes into every `where`. Providers other than {@link GENAI_PROVIDERS} are ignored.
 */
export function readGenaiPrices(data: unknown, file: string, ref: string): SourceSet {
  if (!Array.isArray(data)) {
    throw new ImportError(
      file,
      'genai-prices data.json must be a JSON array of providers (prices/new_data/v2/data.json)',
    );
  }
  const models: SourceModel[] = [];
  const skipped: string[] = [];
  let count = 0;
  data.forEach((p, pi) => {
    if (!isRecord(p) || typeof p.id !== 'string') {
      throw new ImportError(file, 'provider must be an object with an "id"', undefined, `[${pi}]`);
    }
    const ours = GENAI_PROVIDERS[p.id];
    if (ours === undefined) return;
    if (!Array.isArray(p.models))
      throw new ImportError(file, 'must be a list', undefined, `${p.id}.models`);
    const bedrockRaw: SourceModel[] = [];
    p.models.forEach((m, mi) => {
      if (++count > MAX_DATASET_MODELS) {
        throw new ImportError(
          file,
          `more than ${MAX_DATASET_MODELS} models: refusing an unbounded input`,
        );
      }
      if (!isRecord(m) || typeof m.id !== 'string' || m.id === '') {
        throw new ImportError(
          file,
          'model must be an object with a string "id"',
          undefined,
          `${p.id}.models[${mi}]`,
        );
      }
      const ctx = { file, model: `${p.id}/${m.id}` };
      const model = readModel(m, ours, ctx, ref, `prices/providers/${p.id}.yml`);
      if (typeof model === 'string') skipped.push(`${p.id}/${m.id}: ${model}`);
      else if (ours === 'aws.bedrock') bedrockRaw.push(model);
      else models.push(model);
    });
    if (ours === 'aws.bedrock') models.push(...pairBedrock(bedrockRaw, skipped));
  });
  return { dataset: 'genai-prices', ref, models, skipped };
}

function readModel(
  m: Record<string, unknown>,
  provider: string,
  ctx: Ctx,
  ref: string,
  yml: string,
): SourceModel | string {
  const id = m.id as string;
  if (provider === 'gcp.gemini' && !id.startsWith('gemini')) {
    return 'not a Gemini model (Vertex partner models are not priced under gcp.gemini)';
  }
  const aliases: string[] = [];
  const patterns: string[] = [];
  if (m.match !== undefined) collectMatch(m.match, aliases, patterns, ctx, 'match');
  const rawPrices = m.prices;
  const entries: { constraint?: unknown; prices: unknown }[] = Array.isArray(rawPrices)
    ? rawPrices.map((e, i) => {
        if (!isRecord(e))
          throw new ImportError(ctx.file, 'must be an object', ctx.model, `prices[${i}]`);
        return { constraint: e.constraint, prices: e.prices };
      })
    : [{ prices: rawPrices }];
  const features = new Set<string>();
  const periods: SourcePeriod[] = [];
  let unconstrained = 0;
  for (const [i, entry] of entries.entries()) {
    const field = Array.isArray(rawPrices) ? `prices[${i}].prices` : 'prices';
    let start: string | undefined;
    if (entry.constraint !== undefined) {
      if (!isRecord(entry.constraint)) {
        throw new ImportError(ctx.file, 'must be an object', ctx.model, `prices[${i}].constraint`);
      }
      const sd = entry.constraint.start_date;
      if (sd === undefined) {
        features.add(`time-of-day pricing ${JSON.stringify(entry.constraint)}`);
        continue;
      }
      if (typeof sd !== 'string' || !DATE.test(sd)) {
        throw new ImportError(
          ctx.file,
          `unparsable start_date ${JSON.stringify(sd)} (want YYYY-MM-DD)`,
          ctx.model,
          `prices[${i}].constraint.start_date`,
        );
      }
      start = sd;
    } else unconstrained++;
    const converted = convertModelPrice(entry.prices, provider, ctx, field);
    if (converted === undefined) return 'no input_mtok/output_mtok price (not a text-token model)';
    for (const f of converted.features) features.add(f);
    const period: SourcePeriod = { prices: converted.prices };
    if (start !== undefined) period.start = start;
    if (converted.tiers) period.tiers = converted.tiers;
    if (converted.toolFees) period.toolFees = converted.toolFees;
    periods.push(period);
  }
  if (unconstrained !== 1) {
    throw new ImportError(
      ctx.file,
      `needs exactly one price without a constraint (found ${unconstrained})`,
      ctx.model,
      'prices',
    );
  }
  periods.sort((a, b) => (a.start ?? '').localeCompare(b.start ?? ''));
  const model: SourceModel = {
    provider,
    datasetId: id,
    id,
    aliases: [...new Set(aliases)].filter((a) => a !== id),
    patterns,
    periods,
    features: [...features],
    where: `genai-prices ${ref} ${yml} id ${id}`,
  };
  const launch = launchFromAliases(id, aliases);
  if (launch) model.launch = launch;
  if (typeof m.price_comments === 'string') model.comment = m.price_comments;
  if (m.deprecated === true)
    model.comment = `${model.comment ?? ''} [deprecated in genai-prices]`.trim();
  return model;
}

/**
 * Bedrock in genai-prices lists `global.X` and `regional.X` as two models. Ours is one model `X`
 * priced at the global profile with `regionalUplift` = regional / global (when it is uniform).
 */
function pairBedrock(raw: SourceModel[], skipped: string[]): SourceModel[] {
  const out: SourceModel[] = [];
  const byBase = new Map<string, { global?: SourceModel; regional?: SourceModel }>();
  for (const m of raw) {
    const kind = m.datasetId.startsWith('global.')
      ? 'global'
      : m.datasetId.startsWith('regional.')
        ? 'regional'
        : undefined;
    if (kind === undefined) {
      out.push(m);
      continue;
    }
    const base = m.datasetId.slice(kind.length + 1);
    const slot = byBase.get(base) ?? {};
    slot[kind] = m;
    byBase.set(base, slot);
  }
  for (const [base, { global, regional }] of byBase) {
    const main = global ?? regional!;
    const aliases = new Set<string>();
    for (const m of [global, regional]) {
      for (const a of m?.aliases ?? []) {
        const plain = a.replace(/^(global|regional)\./, '');
        if (plain !== base) aliases.add(plain);
      }
    }
    const model: SourceModel = {
      ...main,
      datasetId: base,
      id: base,
      aliases: [...aliases],
      patterns: [...(global?.patterns ?? []), ...(regional?.patterns ?? [])],
      features: [...new Set([...(global?.features ?? []), ...(regional?.features ?? [])])],
      where: [global?.where, regional?.where].filter(Boolean).join('; '),
    };
    if (global && regional) {
      if (global.periods.length !== regional.periods.length) {
        skipped.push(
          `aws/${base}: global and regional entries have different period counts; regional ignored`,
        );
      } else {
        model.periods = global.periods.map((g, i) => {
          const r = regional.periods[i]!;
          const ratio = roundPrice(r.prices.input / g.prices.input);
          const uniform = (Object.keys(g.prices) as (keyof BucketPrices)[]).every((b) => {
            const gv = g.prices[b];
            const rv = r.prices[b];
            return gv !== undefined && rv !== undefined && Math.abs(gv * ratio - rv) < 1e-9;
          });
          if (!uniform) {
            model.features.push(`regional prices not a uniform multiple of global (period ${i})`);
            return g;
          }
          return ratio === 1 ? g : { ...g, regionalUplift: ratio };
        });
      }
    }
    out.push(model);
  }
  return out;
}
