/**
 * Our own overrides file for the importer: launch dates, retirements, announced changes and
 * service-tier multipliers that the datasets lack, each with its source. Validated by hand so a
 * bad edit names the file, the model and the field.
 */
import { parseInstant } from '../time';
import type { PricePeriod, ServiceTier } from '../types';
import { validateProviderFile } from '../validate';
import { ImportError, isRecord } from './errors';
import type { DatasetName } from './types';

export interface DatedFact {
  date: string;
  source: string;
  /** The date is evidence, not an announcement (e.g. the day a dataset first listed the model). */
  approximate?: boolean;
  note?: string;
}

export interface ModelOverride {
  provider: string;
  /** The dataset's id for the model (genai-prices `id`; Bedrock without `global.`/`regional.`). */
  from: string;
  /**
   * The dataset `from` names a model of, when it is not the primary one: a model only a secondary
   * dataset (LiteLLM) lists is taken from it. It still needs a `launch` (LiteLLM has no dates).
   */
  dataset?: DatasetName;
  /** Our id, when it differs from the dataset's. */
  id?: string;
  launch?: DatedFact;
  retiredOn?: DatedFact;
  /** Extra exact ids (e.g. dated snapshots the dataset writes as a regex). */
  aliases?: string[];
  /** Dataset aliases we do not want (ambiguous or owned by another model). */
  dropAliases?: string[];
  /** Periods the datasets lack (announced changes); replace a dataset period with the same date. */
  periods?: PricePeriod[];
  /** Service-tier multipliers for this model, replacing the provider default. */
  serviceTiers?: Partial<Record<Exclude<ServiceTier, 'standard'>, number>>;
  serviceTiersSource?: string;
  /** Features not yet representable, beyond the ones the datasets show. */
  features?: string[];
  note?: string;
}

/**
 * A regional-processing uplift (data residency, `inference_geo`) for the provider's models
 * launched on or after a date, as the providers announce it ("models released on or after
 * March 5, 2026"). Written on every period of those models as `regionalProcessingUplift`.
 */
export interface RegionalProcessingRule {
  /** The multiplier, e.g. 1.1 for +10%. */
  uplift: number;
  /** `YYYY-MM-DD`: models whose first period starts on or after it pay the uplift. */
  launchedOnOrAfter: string;
  /** Where the rule is published (URL, announcement). */
  source: string;
}

export interface ProviderDefaults {
  serviceTiers?: Partial<Record<Exclude<ServiceTier, 'standard'>, number>>;
  /** The provider's regional-processing uplift rule (OpenAI data residency, Anthropic `inference_geo`). */
  regionalProcessing?: RegionalProcessingRule;
  source: string;
  /** Features every model of the provider has that the format cannot hold. */
  features?: string[];
}

export interface Overrides {
  /** Import only the models listed in `models` (plus what the base book already has). */
  onlyListed?: boolean;
  defaults?: Record<string, ProviderDefaults>;
  models: ModelOverride[];
  note?: string;
}

const TOP_KEYS = new Set(['$schema', 'onlyListed', 'defaults', 'models', 'note']);
const MODEL_KEYS = new Set([
  'provider',
  'from',
  'dataset',
  'id',
  'launch',
  'retiredOn',
  'aliases',
  'dropAliases',
  'periods',
  'serviceTiers',
  'serviceTiersSource',
  'features',
  'note',
]);
const FACT_KEYS = new Set(['date', 'source', 'approximate', 'note']);
const REGIONAL_KEYS = new Set(['uplift', 'launchedOnOrAfter', 'source']);

function regionalRule(value: unknown, file: string, field: string): RegionalProcessingRule {
  const shape = 'must be {uplift, launchedOnOrAfter, source}';
  if (!isRecord(value)) throw new ImportError(file, shape, undefined, field);
  for (const k of Object.keys(value)) {
    if (!REGIONAL_KEYS.has(k))
      throw new ImportError(file, `unknown key "${k}" (${shape})`, undefined, `${field}.${k}`);
  }
  if (typeof value.uplift !== 'number' || !(value.uplift > 0) || !Number.isFinite(value.uplift))
    throw new ImportError(file, 'must be a positive number', undefined, `${field}.uplift`);
  const date = value.launchedOnOrAfter;
  if (typeof date !== 'string' || parseInstant(date) === undefined)
    throw new ImportError(
      file,
      'must be a date (YYYY-MM-DD)',
      undefined,
      `${field}.launchedOnOrAfter`,
    );
  if (typeof value.source !== 'string' || value.source.trim().length < 5)
    throw new ImportError(file, 'every uplift needs a source', undefined, `${field}.source`);
  return { uplift: value.uplift, launchedOnOrAfter: date, source: value.source };
}

function strings(value: unknown, file: string, model: string, field: string): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v === '')) {
    throw new ImportError(file, 'must be an array of non-empty strings', model, field);
  }
  return value as string[];
}

function fact(value: unknown, file: string, model: string, field: string): DatedFact {
  if (!isRecord(value)) throw new ImportError(file, 'must be {date, source}', model, field);
  for (const k of Object.keys(value)) {
    if (!FACT_KEYS.has(k))
      throw new ImportError(file, `unknown key "${k}"`, model, `${field}.${k}`);
  }
  if (typeof value.date !== 'string' || parseInstant(value.date) === undefined) {
    throw new ImportError(
      file,
      `unparsable date ${JSON.stringify(value.date)} (want YYYY-MM-DD)`,
      model,
      `${field}.date`,
    );
  }
  if (typeof value.source !== 'string' || value.source.trim().length < 5) {
    throw new ImportError(file, 'every date needs a source', model, `${field}.source`);
  }
  const out: DatedFact = { date: value.date, source: value.source };
  if (value.approximate === true) out.approximate = true;
  if (typeof value.note === 'string') out.note = value.note;
  return out;
}

function tiers(
  value: unknown,
  file: string,
  model: string,
  field: string,
): ModelOverride['serviceTiers'] {
  if (!isRecord(value)) throw new ImportError(file, 'must be an object', model, field);
  const out: NonNullable<ModelOverride['serviceTiers']> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k !== 'batch' && k !== 'flex' && k !== 'priority' && k !== 'fast') {
      throw new ImportError(file, `unknown service tier "${k}"`, model, `${field}.${k}`);
    }
    if (typeof v !== 'number' || !(v > 0))
      throw new ImportError(file, 'must be a positive number', model, `${field}.${k}`);
    out[k] = v;
  }
  return out;
}

export function parseOverrides(data: unknown, file: string): Overrides {
  if (!isRecord(data)) throw new ImportError(file, 'overrides must be a JSON object');
  for (const k of Object.keys(data)) {
    if (!TOP_KEYS.has(k))
      throw new ImportError(
        file,
        `unknown key "${k}" (allowed: ${[...TOP_KEYS].join(', ')})`,
        undefined,
        k,
      );
  }
  const out: Overrides = { models: [] };
  if (data.onlyListed === true) out.onlyListed = true;
  if (typeof data.note === 'string') out.note = data.note;
  if (data.defaults !== undefined) {
    if (!isRecord(data.defaults))
      throw new ImportError(file, 'must be an object', undefined, 'defaults');
    out.defaults = {};
    for (const [provider, d] of Object.entries(data.defaults)) {
      const field = `defaults.${provider}`;
      if (!isRecord(d) || typeof d.source !== 'string')
        throw new ImportError(file, 'must be {serviceTiers?, source, features?}', undefined, field);
      const pd: ProviderDefaults = { source: d.source };
      if (d.serviceTiers !== undefined)
        pd.serviceTiers = tiers(d.serviceTiers, file, provider, `${field}.serviceTiers`);
      if (d.features !== undefined)
        pd.features = strings(d.features, file, provider, `${field}.features`);
      if (d.regionalProcessing !== undefined)
        pd.regionalProcessing = regionalRule(
          d.regionalProcessing,
          file,
          `${field}.regionalProcessing`,
        );
      out.defaults[provider] = pd;
    }
  }
  if (!Array.isArray(data.models))
    throw new ImportError(file, 'must be an array', undefined, 'models');
  const seen = new Set<string>();
  data.models.forEach((raw, i) => {
    const at = `models[${i}]`;
    if (!isRecord(raw) || typeof raw.provider !== 'string' || typeof raw.from !== 'string') {
      throw new ImportError(
        file,
        'must be an object with string "provider" and "from"',
        undefined,
        at,
      );
    }
    const name = `${raw.provider}/${raw.from}`;
    const key = `${typeof raw.dataset === 'string' ? raw.dataset : ''}|${name}`;
    if (seen.has(key)) throw new ImportError(file, 'listed twice', name, at);
    seen.add(key);
    for (const k of Object.keys(raw)) {
      if (!MODEL_KEYS.has(k))
        throw new ImportError(
          file,
          `unknown key "${k}" (allowed: ${[...MODEL_KEYS].join(', ')})`,
          name,
          k,
        );
    }
    const m: ModelOverride = { provider: raw.provider, from: raw.from };
    if (raw.dataset !== undefined) {
      if (raw.dataset !== 'genai-prices' && raw.dataset !== 'litellm')
        throw new ImportError(file, 'must be "genai-prices" or "litellm"', name, 'dataset');
      m.dataset = raw.dataset;
    }
    if (typeof raw.id === 'string') m.id = raw.id;
    if (raw.launch !== undefined) m.launch = fact(raw.launch, file, name, 'launch');
    if (raw.retiredOn !== undefined) m.retiredOn = fact(raw.retiredOn, file, name, 'retiredOn');
    if (raw.aliases !== undefined) m.aliases = strings(raw.aliases, file, name, 'aliases');
    if (raw.dropAliases !== undefined)
      m.dropAliases = strings(raw.dropAliases, file, name, 'dropAliases');
    if (raw.features !== undefined) m.features = strings(raw.features, file, name, 'features');
    if (raw.serviceTiers !== undefined)
      m.serviceTiers = tiers(raw.serviceTiers, file, name, 'serviceTiers');
    if (typeof raw.serviceTiersSource === 'string') m.serviceTiersSource = raw.serviceTiersSource;
    if (typeof raw.note === 'string') m.note = raw.note;
    if (raw.periods !== undefined) {
      // Reuse the book's validator: an override period is a book period.
      const checked = validateProviderFile(
        {
          provider: raw.provider,
          currency: 'USD',
          models: [{ id: m.id ?? raw.from, periods: raw.periods }],
        },
        `${file} (${name})`,
      );
      m.periods = checked.models[0]!.periods;
    }
    out.models.push(m);
  });
  return out;
}
