/**
 * The price book: shipped price data merged with user files, answering "what did this model cost
 * at that instant?" with Map lookups and a binary search (no per-call regex or scan).
 */
import { UNPRICED_REASON } from '@ai-margin/conventions';
import type { ResolvedPrice } from '../cost/types';
import {
  type CompiledModel,
  type CompiledMovingAlias,
  type CompiledPeriod,
  type DiscountSpan,
  type EffectivePrices,
  lastStartAtOrBefore,
  type Resolution,
  refFor,
  type ToolFees,
} from './compiled';
import { PriceFileError } from './errors';
import type {
  MovingAliasEntry,
  PriceBookEntry,
  PriceBookLoadOptions,
  PriceLookup,
} from './lookup-types';
import { parseModelId } from './model-id';
import { parsePriceFileText, readPriceFile } from './read-file';
import { SHIPPED_PRICE_FILES } from './shipped';
import { isoOf, parseInstant } from './time';
import type { BucketPrices, Discount, PricePeriod, ProviderPriceFile } from './types';
import { validateProviderFile, validateUserFile } from './validate';

/** Bound on cached id resolutions per provider, so arbitrary ids cannot grow memory. */
const RESOLUTION_CACHE_LIMIT = 4096;

/** Internal answer used by both `lookup` and `priceCall`. */
export type InternalResolution =
  | {
      found: true;
      period: CompiledPeriod;
      geo: string | undefined;
      discountPercent: number | undefined;
    }
  | {
      found: false;
      reason: typeof UNPRICED_REASON.unknownModel | typeof UNPRICED_REASON.noPeriod;
      detail: string;
    };

interface ProviderState {
  name: string;
  aliases: string[];
  /** Canonical model id -> model, in insertion order. */
  models: Map<string, CompiledModel>;
  /** Every id, alias and moving alias -> what it names. */
  keys: Map<string, CompiledModel | CompiledMovingAlias>;
  cache: Map<string, Resolution>;
  /** Model id -> its last answer and the instants `[fromMs, toMs)` over which it holds. */
  memo: Map<string, ResolveMemo>;
  providerDiscounts: DiscountSpan[];
  modelDiscounts: Map<CompiledModel, DiscountSpan[]>;
}

type FoundResolution = Extract<InternalResolution, { found: true }>;

/** A found resolution and the instants over which `resolve` gives exactly this answer. */
interface ResolveMemo {
  provider: string;
  model: string;
  fromMs: number;
  toMs: number;
  result: FoundResolution;
}

interface PendingMovingAlias {
  alias: CompiledMovingAlias;
  provider: ProviderState;
  file: string;
  field: string;
}

/**
 * The documented fallbacks. `NaN` marks a bucket with no price: tokens in it make the call
 * unpriced (the engine sees a NaN cost), never priced at another bucket's price. That is the case
 * of retention-priced cache writes (30 min, 12 h) without a price, and of cache writes of unknown
 * retention on a model that prices writes by retention.
 */
function effective(p: BucketPrices): EffectivePrices {
  const byRetention = p.cacheWrite30m !== undefined || p.cacheWrite12h !== undefined;
  const cacheWrite5m = p.cacheWrite5m ?? (byRetention ? Number.NaN : p.input);
  return Object.freeze({
    input: p.input,
    cacheRead: p.cacheRead ?? p.input,
    cacheWrite5m,
    cacheWrite1h: p.cacheWrite1h ?? cacheWrite5m,
    cacheWrite30m: p.cacheWrite30m ?? Number.NaN,
    cacheWrite12h: p.cacheWrite12h ?? Number.NaN,
    output: p.output,
    reasoning: p.reasoning ?? p.output,
    inputAudio: p.inputAudio ?? Number.NaN,
    cacheReadAudio: p.cacheReadAudio ?? Number.NaN,
    outputAudio: p.outputAudio ?? Number.NaN,
  });
}

/** Tool fees per call (USD per 1,000 calls / 1,000); `NaN` where the period names no fee. */
function effectiveToolFees(fees: PricePeriod['toolFees']): ToolFees {
  return Object.freeze({
    webSearch: (fees?.webSearch ?? Number.NaN) / 1000,
    webFetch: (fees?.webFetch ?? Number.NaN) / 1000,
    codeExecution: (fees?.codeExecution ?? Number.NaN) / 1000,
  });
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function isMoving(target: CompiledModel | CompiledMovingAlias): target is CompiledMovingAlias {
  return 'targets' in target;
}

let shippedFilesCache: ProviderPriceFile[] | undefined;
let shippedBookCache: PriceBook | undefined;

function shippedFiles(): ProviderPriceFile[] {
  shippedFilesCache ??= SHIPPED_PRICE_FILES.map((f) => validateProviderFile(f.data, f.name));
  return shippedFilesCache;
}

/** Mutable state while files are merged; frozen into a PriceBook by `build`. */
class Builder {
  readonly providers = new Map<string, ProviderState>();
  /** Provider name or alias -> provider. */
  readonly byName = new Map<string, ProviderState>();
  readonly pendingAliases: PendingMovingAlias[] = [];

  addProviderFile(file: ProviderPriceFile, fileName: string, fieldPrefix: string): void {
    let provider = this.byName.get(file.provider);
    if (!provider) {
      provider = {
        name: file.provider,
        aliases: [],
        models: new Map(),
        keys: new Map(),
        cache: new Map(),
        memo: new Map(),
        providerDiscounts: [],
        modelDiscounts: new Map(),
      };
      this.providers.set(provider.name, provider);
      this.byName.set(provider.name, provider);
    }
    (file.providerAliases ?? []).forEach((alias, i) => {
      const owner = this.byName.get(alias);
      if (owner && owner !== provider) {
        throw new PriceFileError(
          fileName,
          `provider alias "${alias}" already names provider "${owner.name}"`,
          {
            field: `${fieldPrefix}providerAliases[${i}]`,
          },
        );
      }
      if (!owner) {
        this.byName.set(alias, provider);
        provider.aliases.push(alias);
      }
    });
    for (const m of file.models) {
      let model = provider.models.get(m.id);
      if (model) {
        // Same id as an earlier file (a user override): its periods replace the earlier ones.
        model.periods = m.periods;
      } else {
        model = {
          provider: provider.name,
          id: m.id,
          aliases: [],
          periods: m.periods,
          compiled: [],
          starts: new Float64Array(0),
        };
        provider.models.set(m.id, model);
      }
      this.claim(provider, m.id, model);
      for (const alias of m.aliases ?? []) {
        this.claim(provider, alias, model);
        if (!model.aliases.includes(alias)) model.aliases.push(alias);
      }
    }
    (file.movingAliases ?? []).forEach((a, i) => {
      const alias: CompiledMovingAlias = {
        alias: a.alias,
        targets: a.targets,
        starts: Float64Array.from(a.targets.map((t) => parseInstant(t.effectiveFrom)!)),
        models: [],
      };
      this.claim(provider, a.alias, alias);
      this.pendingAliases.push({
        alias,
        provider,
        file: fileName,
        field: `${fieldPrefix}movingAliases[${i}]`,
      });
    });
  }

  /** Points `key` at `target`; a later file's claim wins, and the earlier owner forgets the alias. */
  private claim(
    provider: ProviderState,
    key: string,
    target: CompiledModel | CompiledMovingAlias,
  ): void {
    const previous = provider.keys.get(key);
    if (previous && previous !== target && !isMoving(previous)) {
      previous.aliases = previous.aliases.filter((a) => a !== key);
    }
    provider.keys.set(key, target);
  }

  addDiscounts(discounts: Discount[], fileName: string): void {
    discounts.forEach((d, i) => {
      const field = `discounts[${i}]`;
      const provider = this.byName.get(d.provider);
      if (!provider) {
        throw new PriceFileError(fileName, `unknown provider "${d.provider}"`, {
          field: `${field}.provider`,
        });
      }
      const span: DiscountSpan = {
        fromMs: parseInstant(d.effectiveFrom)!,
        toMs: d.effectiveTo === undefined ? Number.POSITIVE_INFINITY : parseInstant(d.effectiveTo)!,
        percent: d.percent,
      };
      let list: DiscountSpan[];
      if (d.model === undefined) {
        list = provider.providerDiscounts;
      } else {
        const target = provider.keys.get(d.model);
        if (!target || isMoving(target)) {
          throw new PriceFileError(
            fileName,
            target
              ? `"${d.model}" is a moving alias; name the model it points to`
              : `unknown model "${d.model}" for provider "${provider.name}"`,
            { model: d.model, field: `${field}.model` },
          );
        }
        list = provider.modelDiscounts.get(target) ?? [];
        provider.modelDiscounts.set(target, list);
      }
      const clash = list.find((o) => o.fromMs < span.toMs && span.fromMs < o.toMs);
      if (clash) {
        throw new PriceFileError(
          fileName,
          `overlaps another discount for the same ${d.model === undefined ? 'provider' : 'model'} (from ${isoOf(clash.fromMs)})`,
          { field: `${field}.effectiveFrom` },
        );
      }
      list.push(span);
      list.sort((a, b) => a.fromMs - b.fromMs);
    });
  }

  build(): PriceBook {
    for (const pending of this.pendingAliases) {
      pending.alias.models = pending.alias.targets.map((t, j) => {
        const target = pending.provider.keys.get(t.model);
        if (!target || isMoving(target)) {
          throw new PriceFileError(
            pending.file,
            target
              ? `target "${t.model}" is itself a moving alias; point at a model id`
              : `unknown model "${t.model}" for provider "${pending.provider.name}"`,
            { field: `${pending.field}.targets[${j}].model` },
          );
        }
        return target;
      });
    }
    for (const provider of this.providers.values()) {
      for (const model of provider.models.values()) compileModel(model);
    }
    return new PriceBook(this.providers, this.byName);
  }
}

function compileModel(model: CompiledModel): void {
  const periods = model.periods;
  model.compiled = periods.map((period, i) => {
    const fromMs = parseInstant(period.effectiveFrom)!;
    const next = periods[i + 1];
    const toMs =
      period.effectiveTo !== undefined
        ? parseInstant(period.effectiveTo)!
        : next
          ? parseInstant(next.effectiveFrom)!
          : Number.POSITIVE_INFINITY;
    const frozenPeriod = deepFreeze(period);
    const resolved: ResolvedPrice = deepFreeze({
      provider: model.provider,
      model: model.id,
      period: frozenPeriod,
      ref: refFor(model.provider, model.id, frozenPeriod, fromMs, toMs),
    });
    return {
      fromMs,
      toMs,
      resolved,
      plainHit: Object.freeze({ found: true as const, price: resolved }),
      prices: effective(period.prices),
      tiers: (period.tiers ?? []).map((t) => ({
        aboveInputTokens: t.aboveInputTokens,
        prices: effective(t.prices),
      })),
      serviceTiers: period.serviceTiers ?? {},
      regionalUplift: period.regionalUplift,
      regionalProcessingUplift: period.regionalProcessingUplift,
      toolFees: effectiveToolFees(period.toolFees),
    };
  });
  model.starts = Float64Array.from(model.compiled.map((c) => c.fromMs));
}

function resolveId(provider: ProviderState, raw: string): Resolution {
  const exact = provider.keys.get(raw);
  const parsed = parseModelId(raw);
  const target = exact ?? provider.keys.get(parsed.id) ?? provider.keys.get(parsed.base);
  if (target) {
    return isMoving(target)
      ? { kind: 'moving', alias: target, geo: parsed.geo }
      : { kind: 'model', model: target, geo: parsed.geo };
  }
  let detail = `unknown model "${raw}" for provider "${provider.name}"`;
  if (parsed.unresolvable) detail += `: ${parsed.unresolvable}`;
  else if (raw.startsWith('ft:'))
    detail += ': fine-tuned models are priced only from a user price file that lists this exact id';
  return { kind: 'unknown', detail };
}

function discountAt(spans: DiscountSpan[] | undefined, at: number): number | undefined {
  if (!spans) return undefined;
  for (const s of spans) if (s.fromMs <= at && at < s.toMs) return s.percent;
  return undefined;
}

export class PriceBook {
  /** @internal use `PriceBook.shipped()` or `PriceBook.load()` */
  constructor(
    private readonly providers: Map<string, ProviderState>,
    private readonly byName: Map<string, ProviderState>,
  ) {}

  /** The shipped price data only: validated once, then cached for the process. */
  static shipped(): PriceBook {
    shippedBookCache ??= PriceBook.load();
    return shippedBookCache;
  }

  /**
   * The shipped data (unless `includeShipped: false`) with user files merged over it, in order.
   * A user model with the same id as an earlier one replaces its periods (its aliases are
   * added); a user id or alias that names an earlier model re-points to the user's model.
   * Throws `PriceFileError` naming the file, model and field of the first problem.
   */
  static load(opts: PriceBookLoadOptions = {}): PriceBook {
    const builder = new Builder();
    if (opts.includeShipped !== false) {
      shippedFiles().forEach((file, i) => {
        builder.addProviderFile(file, SHIPPED_PRICE_FILES[i]!.name, '');
      });
    }
    const userFiles = (opts.userFiles ?? []).map((entry) => {
      const name = typeof entry === 'string' ? entry : entry.name;
      let data: unknown;
      if (typeof entry === 'string') data = readPriceFile(entry);
      else
        data = typeof entry.data === 'string' ? parsePriceFileText(entry.data, name) : entry.data;
      // A single provider file has its fields at the root; a UserPriceFile under providers[i].
      const single = typeof data === 'object' && data !== null && 'provider' in data;
      return { name, single, file: validateUserFile(data, name) };
    });
    for (const { name, single, file } of userFiles) {
      (file.providers ?? []).forEach((p, i) => {
        builder.addProviderFile(p, name, single ? '' : `providers[${i}].`);
      });
    }
    // Discounts after every file so that they may name models from any file.
    for (const { name, file } of userFiles) builder.addDiscounts(file.discounts ?? [], name);
    return builder.build();
  }

  /**
   * The price in force for `model` of `provider` at `atMs` (epoch ms). `provider` may be any
   * provider alias; `model` may be an id, an alias, a moving alias (resolved at the instant), a
   * Bedrock geo-prefixed id or a Bedrock inference-profile/foundation-model ARN.
   */
  lookup(provider: string, model: string, atMs: number): PriceLookup {
    const r = this.resolve(provider, model, atMs);
    if (!r.found) return r;
    if (r.geo === undefined && r.discountPercent === undefined) return r.period.plainHit;
    const hit: Extract<PriceLookup, { found: true }> = { found: true, price: r.period.resolved };
    if (r.discountPercent !== undefined) hit.discountPercent = r.discountPercent;
    if (r.geo !== undefined) hit.geo = r.geo;
    return hit;
  }

  /** The last answer of `resolve`, checked before any Map lookup (calls come in bursts). */
  private last: ResolveMemo | undefined;

  /**
   * @internal The lookup with its compiled period, for `priceCall`. Found answers are memoised
   * per provider and model with the instants they hold for (the period, intersected with a moving
   * alias's target span), so a repeated lookup is a comparison. Answers are shared and read-only.
   */
  resolve(providerName: string, model: string, atMs: number): InternalResolution {
    const last = this.last;
    if (
      last !== undefined &&
      atMs >= last.fromMs &&
      atMs < last.toMs &&
      last.model === model &&
      last.provider === providerName
    ) {
      return last.result;
    }
    const provider = this.byName.get(providerName);
    if (!provider) {
      return {
        found: false,
        reason: UNPRICED_REASON.unknownModel,
        detail: `unknown provider "${providerName}" (priced providers: ${[...this.byName.keys()].join(', ')})`,
      };
    }
    const memo = provider.memo.get(model);
    if (memo !== undefined && atMs >= memo.fromMs && atMs < memo.toMs) {
      this.last = memo;
      return memo.result;
    }
    let resolution = provider.cache.get(model);
    if (resolution === undefined) {
      resolution = resolveId(provider, model);
      if (provider.cache.size >= RESOLUTION_CACHE_LIMIT) provider.cache.clear();
      provider.cache.set(model, resolution);
    }
    if (resolution.kind === 'unknown')
      return { found: false, reason: UNPRICED_REASON.unknownModel, detail: resolution.detail };
    if (!Number.isFinite(atMs)) {
      return {
        found: false,
        reason: UNPRICED_REASON.noPeriod,
        detail: `call time ${String(atMs)} is not a valid instant`,
      };
    }
    let target: CompiledModel;
    // Instants over which the alias names `target` (all of time for a plain id).
    let targetFrom = Number.NEGATIVE_INFINITY;
    let targetTo = Number.POSITIVE_INFINITY;
    if (resolution.kind === 'moving') {
      const alias = resolution.alias;
      const i = lastStartAtOrBefore(alias.starts, atMs);
      if (i < 0) {
        return {
          found: false,
          reason: UNPRICED_REASON.noPeriod,
          detail: `alias "${alias.alias}" of provider "${provider.name}" points at no model at ${isoOf(atMs)} (first target from ${alias.targets[0]!.effectiveFrom})`,
        };
      }
      target = alias.models[i]!;
      targetFrom = alias.starts[i]!;
      if (i + 1 < alias.starts.length) targetTo = alias.starts[i + 1]!;
    } else {
      target = resolution.model;
    }
    const k = lastStartAtOrBefore(target.starts, atMs);
    const period = k < 0 ? undefined : target.compiled[k]!;
    if (!period || atMs >= period.toMs) {
      return {
        found: false,
        reason: UNPRICED_REASON.noPeriod,
        detail: `no price for ${provider.name}/${target.id} at ${isoOf(atMs)} (${describePeriods(target)})`,
      };
    }
    let discountPercent: number | undefined;
    if (provider.providerDiscounts.length > 0 || provider.modelDiscounts.size > 0) {
      discountPercent =
        discountAt(provider.modelDiscounts.get(target), atMs) ??
        discountAt(provider.providerDiscounts, atMs);
      // Discounts have their own spans: not memoised.
      return { found: true, period, geo: resolution.geo, discountPercent };
    }
    const result: FoundResolution = { found: true, period, geo: resolution.geo, discountPercent };
    const fresh: ResolveMemo = {
      provider: providerName,
      model,
      fromMs: Math.max(period.fromMs, targetFrom),
      // The next period's start bounds it too, should periods ever overlap.
      toMs: Math.min(
        period.toMs,
        targetTo,
        k + 1 < target.starts.length ? target.starts[k + 1]! : Number.POSITIVE_INFINITY,
      ),
      result,
    };
    if (provider.memo.size >= RESOLUTION_CACHE_LIMIT) provider.memo.clear();
    provider.memo.set(model, fresh);
    this.last = fresh;
    return result;
  }

  /** Every model (canonical id, aliases, periods), optionally of one provider (or provider alias). */
  list(provider?: string): PriceBookEntry[] {
    const out: PriceBookEntry[] = [];
    for (const p of this.selectProviders(provider)) {
      for (const m of p.models.values()) {
        out.push({ provider: p.name, model: m.id, aliases: [...m.aliases], periods: m.periods });
      }
    }
    return out;
  }

  /** Every moving alias with its dated targets, optionally of one provider. */
  listMovingAliases(provider?: string): MovingAliasEntry[] {
    const out: MovingAliasEntry[] = [];
    for (const p of this.selectProviders(provider)) {
      const seen = new Set<CompiledMovingAlias>();
      for (const [key, target] of p.keys) {
        if (isMoving(target) && target.alias === key && !seen.has(target)) {
          seen.add(target);
          out.push({
            provider: p.name,
            alias: target.alias,
            targets: target.targets.map((t) => ({ ...t })),
          });
        }
      }
    }
    return out;
  }

  /** Canonical provider names with their aliases. */
  listProviders(): Array<{ provider: string; aliases: string[] }> {
    return [...this.providers.values()].map((p) => ({ provider: p.name, aliases: [...p.aliases] }));
  }

  private selectProviders(provider?: string): ProviderState[] {
    if (provider === undefined) return [...this.providers.values()];
    const p = this.byName.get(provider);
    return p ? [p] : [];
  }
}

function describePeriods(model: CompiledModel): string {
  const spans = model.compiled.map(
    (c) => `${isoOf(c.fromMs)}..${Number.isFinite(c.toMs) ? isoOf(c.toMs) : 'open'}`,
  );
  const shown = spans.length > 4 ? [...spans.slice(0, 2), '…', ...spans.slice(-2)] : spans;
  return `priced periods: ${shown.join(', ')}`;
}
