/**
 * Hand-written validation of price files. Every error names the file, the model and the field, so
 * a bad edit is found in seconds. Returns clean copies typed as the schema in `./types`.
 */
import { PriceFileError } from './errors';
import { parseInstant } from './time';
import type {
  BucketPrices,
  Discount,
  ModelPrices,
  MovingAlias,
  PriceKey,
  PricePeriod,
  PriceTier,
  ProviderPriceFile,
  ServerTool,
  ServiceTier,
  UserPriceFile,
} from './types';
import { PRICE_KEYS, SERVER_TOOLS } from './types';

const SERVICE_TIERS: readonly Exclude<ServiceTier, 'standard'>[] = [
  'batch',
  'flex',
  'priority',
  'fast',
];
const FILE_KEYS = new Set([
  '$schema',
  'provider',
  'providerAliases',
  'currency',
  'models',
  'movingAliases',
  'note',
]);
const MODEL_KEYS = new Set(['id', 'aliases', 'periods', 'retiredOn', 'note']);
const PERIOD_KEYS = new Set([
  'effectiveFrom',
  'effectiveTo',
  'prices',
  'tiers',
  'serviceTiers',
  'regionalUplift',
  'regionalProcessingUplift',
  'toolFees',
  'source',
  'note',
]);
const TIER_KEYS = new Set(['aboveInputTokens', 'prices']);
const MOVING_KEYS = new Set(['alias', 'targets', 'note']);
const TARGET_KEYS = new Set(['model', 'effectiveFrom', 'source', 'note']);
const DISCOUNT_KEYS = new Set([
  'provider',
  'model',
  'percent',
  'effectiveFrom',
  'effectiveTo',
  'source',
  'note',
]);
const USER_KEYS = new Set(['$schema', 'providers', 'discounts', 'note']);
const BUCKET_SET = new Set<string>(PRICE_KEYS);

type Where = { model?: string; field?: string };

/** Collects the context (file, model, field prefix) for error messages. */
class Checker {
  constructor(
    readonly file: string,
    private readonly model?: string,
    private readonly prefix = '',
  ) {}

  at(field: string): Checker {
    return new Checker(this.file, this.model, this.join(field));
  }

  forModel(model: string, prefix = ''): Checker {
    return new Checker(this.file, model, prefix);
  }

  fail(problem: string, field?: string): never {
    const where: Where = {};
    if (this.model !== undefined) where.model = this.model;
    const path = field === undefined ? this.prefix : this.join(field);
    if (path !== '') where.field = path;
    throw new PriceFileError(this.file, problem, where);
  }

  private join(field: string): string {
    if (this.prefix === '') return field;
    return field.startsWith('[') ? `${this.prefix}${field}` : `${this.prefix}.${field}`;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requireObject(value: unknown, c: Checker, field?: string): Record<string, unknown> {
  if (!isObject(value)) c.fail('must be an object', field);
  return value;
}

function rejectUnknownKeys(
  obj: Record<string, unknown>,
  allowed: Set<string>,
  c: Checker,
  what: string,
): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.has(key)) {
      c.fail(`unknown ${what} "${key}" (allowed: ${[...allowed].join(', ')})`, key);
    }
  }
}

function requireString(value: unknown, c: Checker, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') c.fail('must be a non-empty string', field);
  return value;
}

function optionalString(value: unknown, c: Checker, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') c.fail('must be a string', field);
  return value;
}

function requireStringArray(value: unknown, c: Checker, field: string): string[] {
  if (!Array.isArray(value)) c.fail('must be an array of strings', field);
  return value.map((item, i) => requireString(item, c, `${field}[${i}]`));
}

function requireInstant(value: unknown, c: Checker, field: string): string {
  const ms = parseInstant(value);
  if (ms === undefined) {
    c.fail(
      `unparsable date ${JSON.stringify(value)}: use YYYY-MM-DD (midnight UTC) or an ISO-8601 instant with Z or an offset`,
      field,
    );
  }
  return value instanceof Date ? value.toISOString() : (value as string);
}

function requirePrice(value: unknown, c: Checker, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    c.fail('must be a non-negative number (USD per 1M tokens)', field);
  }
  return value;
}

function requirePositive(value: unknown, c: Checker, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    c.fail('must be a positive number', field);
  }
  return value;
}

function validateBucketPrices(value: unknown, c: Checker): BucketPrices {
  const obj = requireObject(value, c);
  for (const key of Object.keys(obj)) {
    if (!BUCKET_SET.has(key)) {
      c.fail(`unknown token bucket "${key}" (buckets: ${PRICE_KEYS.join(', ')})`, key);
    }
  }
  if (obj.input === undefined) c.fail('is required', 'input');
  if (obj.output === undefined) c.fail('is required', 'output');
  const prices: Partial<Record<PriceKey, number>> = {};
  for (const bucket of PRICE_KEYS) {
    if (obj[bucket] !== undefined) prices[bucket] = requirePrice(obj[bucket], c, bucket);
  }
  return prices as BucketPrices;
}

function validateTiers(value: unknown, c: Checker): PriceTier[] {
  if (!Array.isArray(value)) c.fail('must be an array');
  let previous = -1;
  return value.map((raw, i) => {
    const tc: Checker = c.at(`[${i}]`);
    const obj = requireObject(raw, tc);
    rejectUnknownKeys(obj, TIER_KEYS, tc, 'tier field');
    const above = obj.aboveInputTokens;
    if (typeof above !== 'number' || !Number.isInteger(above) || above < 0) {
      tc.fail('must be a non-negative integer', 'aboveInputTokens');
    }
    if (above <= previous) {
      tc.fail(
        `tiers must be strictly ascending (previous tier is above ${previous})`,
        'aboveInputTokens',
      );
    }
    previous = above;
    return { aboveInputTokens: above, prices: validateBucketPrices(obj.prices, tc.at('prices')) };
  });
}

function validatePeriod(value: unknown, c: Checker): PricePeriod {
  const obj = requireObject(value, c);
  rejectUnknownKeys(obj, PERIOD_KEYS, c, 'period field');
  const period: PricePeriod = {
    effectiveFrom: requireInstant(obj.effectiveFrom, c, 'effectiveFrom'),
    prices: validateBucketPrices(obj.prices, c.at('prices')),
    source: requireString(obj.source, c, 'source'),
  };
  if (obj.effectiveTo !== undefined) {
    period.effectiveTo = requireInstant(obj.effectiveTo, c, 'effectiveTo');
    if (parseInstant(period.effectiveTo)! <= parseInstant(period.effectiveFrom)!) {
      c.fail(`must be after effectiveFrom (${period.effectiveFrom})`, 'effectiveTo');
    }
  }
  if (obj.tiers !== undefined) period.tiers = validateTiers(obj.tiers, c.at('tiers'));
  if (obj.serviceTiers !== undefined) {
    const tc: Checker = c.at('serviceTiers');
    const tiers = requireObject(obj.serviceTiers, tc);
    const out: NonNullable<PricePeriod['serviceTiers']> = {};
    for (const [name, multiplier] of Object.entries(tiers)) {
      if (!(SERVICE_TIERS as readonly string[]).includes(name)) {
        tc.fail(`unknown service tier "${name}" (tiers: ${SERVICE_TIERS.join(', ')})`, name);
      }
      out[name as Exclude<ServiceTier, 'standard'>] = requirePositive(multiplier, tc, name);
    }
    period.serviceTiers = out;
  }
  if (obj.regionalUplift !== undefined) {
    period.regionalUplift = requirePositive(obj.regionalUplift, c, 'regionalUplift');
  }
  if (obj.regionalProcessingUplift !== undefined) {
    period.regionalProcessingUplift = requirePositive(
      obj.regionalProcessingUplift,
      c,
      'regionalProcessingUplift',
    );
  }
  if (obj.toolFees !== undefined) {
    const fc: Checker = c.at('toolFees');
    const fees = requireObject(obj.toolFees, fc);
    const out: NonNullable<PricePeriod['toolFees']> = {};
    for (const [name, fee] of Object.entries(fees)) {
      if (!(SERVER_TOOLS as readonly string[]).includes(name)) {
        fc.fail(`unknown server tool "${name}" (tools: ${SERVER_TOOLS.join(', ')})`, name);
      }
      if (typeof fee !== 'number' || !Number.isFinite(fee) || fee < 0) {
        fc.fail('must be a non-negative number (USD per 1,000 calls)', name);
      }
      out[name as ServerTool] = fee;
    }
    period.toolFees = out;
  }
  const note = optionalString(obj.note, c, 'note');
  if (note !== undefined) period.note = note;
  return period;
}

/** Sorts periods by start and rejects overlaps (an explicit end past the next start, or equal starts). */
function checkPeriodOrder(periods: PricePeriod[], c: Checker): PricePeriod[] {
  const indexed = periods.map((p, i) => ({ p, i, from: parseInstant(p.effectiveFrom)! }));
  indexed.sort((a, b) => a.from - b.from);
  for (let k = 1; k < indexed.length; k++) {
    const prev = indexed[k - 1]!;
    const next = indexed[k]!;
    const prevTo = prev.p.effectiveTo === undefined ? undefined : parseInstant(prev.p.effectiveTo)!;
    if (prev.from === next.from) {
      c.fail(
        `overlaps periods[${prev.i}]: both start at ${next.p.effectiveFrom}`,
        `periods[${next.i}].effectiveFrom`,
      );
    }
    if (prevTo !== undefined && prevTo > next.from) {
      c.fail(
        `overlaps periods[${next.i}] (which starts ${next.p.effectiveFrom}): ends ${prev.p.effectiveTo}`,
        `periods[${prev.i}].effectiveTo`,
      );
    }
  }
  return indexed.map((x) => x.p);
}

function validateModel(value: unknown, c: Checker, index: number): ModelPrices {
  const mc: Checker = c.at(`models[${index}]`);
  const obj = requireObject(value, mc);
  const id = requireString(obj.id, mc, 'id');
  const m: Checker = c.forModel(id);
  rejectUnknownKeys(obj, MODEL_KEYS, m, 'model field');
  const model: ModelPrices = { id, periods: [] };
  if (obj.aliases !== undefined) model.aliases = requireStringArray(obj.aliases, m, 'aliases');
  if (!Array.isArray(obj.periods) || obj.periods.length === 0) {
    m.fail('must be a non-empty array of price periods', 'periods');
  }
  const periods = obj.periods.map((p, i) => validatePeriod(p, m.at(`periods[${i}]`)));
  model.periods = checkPeriodOrder(periods, m);
  if (obj.retiredOn !== undefined) model.retiredOn = requireInstant(obj.retiredOn, m, 'retiredOn');
  return model;
}

function validateMovingAlias(value: unknown, c: Checker, index: number): MovingAlias {
  const ac: Checker = c.at(`movingAliases[${index}]`);
  const obj = requireObject(value, ac);
  rejectUnknownKeys(obj, MOVING_KEYS, ac, 'moving alias field');
  const alias = requireString(obj.alias, ac, 'alias');
  if (!Array.isArray(obj.targets) || obj.targets.length === 0) {
    ac.fail('must be a non-empty array of { model, effectiveFrom, source }', 'targets');
  }
  const targets = obj.targets.map((raw, i) => {
    const tc: Checker = ac.at(`targets[${i}]`);
    const t = requireObject(raw, tc);
    rejectUnknownKeys(t, TARGET_KEYS, tc, 'target field');
    return {
      model: requireString(t.model, tc, 'model'),
      effectiveFrom: requireInstant(t.effectiveFrom, tc, 'effectiveFrom'),
      source: requireString(t.source, tc, 'source'),
    };
  });
  const sorted = [...targets].sort(
    (a, b) => parseInstant(a.effectiveFrom)! - parseInstant(b.effectiveFrom)!,
  );
  for (let k = 1; k < sorted.length; k++) {
    if (parseInstant(sorted[k]!.effectiveFrom) === parseInstant(sorted[k - 1]!.effectiveFrom)) {
      ac.fail(`two targets start at ${sorted[k]!.effectiveFrom}`, 'targets');
    }
  }
  return { alias, targets: sorted };
}

/**
 * Validates one provider's price file (the shape of the shipped `data/*.json`). `fieldPrefix`
 * locates it inside a user file (`providers[0]`).
 */
export function validateProviderFile(
  data: unknown,
  file: string,
  fieldPrefix = '',
): ProviderPriceFile {
  const c: Checker = new Checker(file, undefined, fieldPrefix);
  const obj = requireObject(data, c);
  rejectUnknownKeys(obj, FILE_KEYS, c, 'field');
  const provider = requireString(obj.provider, c, 'provider');
  if (obj.currency !== 'USD') c.fail('must be "USD"', 'currency');
  if (!Array.isArray(obj.models)) c.fail('must be an array', 'models');
  const result: ProviderPriceFile = { provider, currency: 'USD', models: [] };
  if (obj.providerAliases !== undefined) {
    result.providerAliases = requireStringArray(obj.providerAliases, c, 'providerAliases');
  }
  result.models = obj.models.map((m, i) => validateModel(m, c, i));
  if (obj.movingAliases !== undefined) {
    if (!Array.isArray(obj.movingAliases)) c.fail('must be an array', 'movingAliases');
    result.movingAliases = obj.movingAliases.map((a, i) => validateMovingAlias(a, c, i));
  }
  checkDuplicateIds(result, c);
  return result;
}

/** Every id, alias and moving alias of one provider file must be unique. */
function checkDuplicateIds(file: ProviderPriceFile, c: Checker): void {
  const owner = new Map<string, string>();
  const claim = (key: string, by: string, model: string, field: string) => {
    const previous = owner.get(key);
    if (previous !== undefined) {
      c.forModel(model).fail(`duplicate id "${key}" (already used by ${previous})`, field);
    }
    owner.set(key, by);
  };
  file.models.forEach((m) => {
    claim(m.id, `model "${m.id}"`, m.id, 'id');
  });
  file.models.forEach((m) => {
    (m.aliases ?? []).forEach((alias, i) => {
      claim(alias, `an alias of model "${m.id}"`, m.id, `aliases[${i}]`);
    });
  });
  (file.movingAliases ?? []).forEach((a, i) => {
    const previous = owner.get(a.alias);
    if (previous !== undefined) {
      c.fail(
        `duplicate id "${a.alias}" (already used by ${previous})`,
        `movingAliases[${i}].alias`,
      );
    }
    owner.set(a.alias, `moving alias "${a.alias}"`);
  });
}

function validateDiscount(value: unknown, c: Checker): Discount {
  const obj = requireObject(value, c);
  rejectUnknownKeys(obj, DISCOUNT_KEYS, c, 'discount field');
  const percent = obj.percent;
  if (typeof percent !== 'number' || !Number.isFinite(percent) || percent < 0 || percent > 100) {
    c.fail('must be a number from 0 to 100', 'percent');
  }
  const discount: Discount = {
    provider: requireString(obj.provider, c, 'provider'),
    percent,
    effectiveFrom: requireInstant(obj.effectiveFrom, c, 'effectiveFrom'),
  };
  if (obj.model !== undefined) discount.model = requireString(obj.model, c, 'model');
  if (obj.effectiveTo !== undefined) {
    discount.effectiveTo = requireInstant(obj.effectiveTo, c, 'effectiveTo');
    if (parseInstant(discount.effectiveTo)! <= parseInstant(discount.effectiveFrom)!) {
      c.fail(`must be after effectiveFrom (${discount.effectiveFrom})`, 'effectiveTo');
    }
  }
  const source = optionalString(obj.source, c, 'source');
  if (source !== undefined) discount.source = source;
  return discount;
}

/**
 * Validates a user price file. Two shapes are accepted: `{ providers?: [...], discounts?: [...] }`
 * (a `UserPriceFile`) or a single provider file (`{ provider, currency, models }`).
 */
export function validateUserFile(data: unknown, file: string): UserPriceFile {
  const c: Checker = new Checker(file);
  const obj = requireObject(data, c);
  if ('provider' in obj) return { providers: [validateProviderFile(obj, file)] };
  rejectUnknownKeys(obj, USER_KEYS, c, 'field');
  if (obj.providers === undefined && obj.discounts === undefined) {
    c.fail(
      'a user price file needs "providers" and/or "discounts" (or is one provider file with "provider")',
    );
  }
  const result: UserPriceFile = {};
  if (obj.providers !== undefined) {
    if (!Array.isArray(obj.providers)) c.fail('must be an array', 'providers');
    result.providers = obj.providers.map((p, i) =>
      validateProviderFile(p, file, `providers[${i}]`),
    );
  }
  if (obj.discounts !== undefined) {
    if (!Array.isArray(obj.discounts)) c.fail('must be an array', 'discounts');
    result.discounts = obj.discounts.map((d, i) => validateDiscount(d, c.at(`discounts[${i}]`)));
  }
  return result;
}
