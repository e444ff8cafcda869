/**
 * Merges dataset models (the first source set is the primary, later ones are only compared) with
 * our current book and our overrides into provider price files, and lists every conflict instead
 * of settling it silently. Pure: no I/O.
 *
 * Rules:
 * - A model already in the base book keeps its periods (they were reviewed); dataset periods that
 *   start after its last period are added; any disagreement is a conflict ("kept our book").
 * - A new model's first period starts at its launch date: from the overrides, else from the dataset
 *   (a dated snapshot id), else the model is skipped with a "no launch date" conflict.
 * - Override periods (announced changes the datasets lack) replace a dataset period of the same date.
 * - Secondary datasets (LiteLLM) are compared with the result at `asOf`: price, service tier,
 *   uplift and retirement differences are conflicts; nothing is taken from them silently. A model
 *   only a secondary dataset lists enters the book when an override names it with `dataset` (and
 *   gives its launch date); it is then built exactly like a primary model.
 */
import { parseInstant } from '../time';
import type {
  BucketPrices,
  ModelPrices,
  PricePeriod,
  PriceTier,
  ProviderPriceFile,
} from '../types';
import { AUDIO_PRICE_KEYS, TOKEN_BUCKETS } from '../types';
import type { ModelOverride, Overrides, ProviderDefaults } from './overrides';
import type { Conflict, FeatureGap, SourceModel, SourcePeriod, SourceSet } from './types';

export interface BuildOptions {
  sources: SourceSet[];
  base?: ProviderPriceFile[];
  overrides?: Overrides;
  /** Instant (YYYY-MM-DD) at which secondary datasets (no dates) are compared. Default: today. */
  asOf?: string;
}

export interface BuildResult {
  files: ProviderPriceFile[];
  conflicts: Conflict[];
  features: FeatureGap[];
  /** Dataset match rules that name many ids (prefixes, regexes): not expanded, listed for review. */
  patterns: { provider: string; model: string; patterns: string[] }[];
  skipped: string[];
}

const OUR_BOOK = 'our book';

function ms(instant: string): number {
  return parseInstant(instant) ?? Number.NaN;
}

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** The period of `periods` in force at `atMs` (periods sorted, contiguous). */
function periodAt(periods: PricePeriod[], atMs: number): PricePeriod | undefined {
  let found: PricePeriod | undefined;
  for (const p of periods) {
    if (ms(p.effectiveFrom) <= atMs) found = p;
  }
  if (found?.effectiveTo !== undefined && ms(found.effectiveTo) <= atMs) return undefined;
  return found;
}

function comparePrices(
  out: Conflict[],
  base: { provider: string; model: string; at?: string },
  ours: { source: string; prices: BucketPrices; tiers?: PriceTier[] },
  theirs: { source: string; prices: BucketPrices; tiers?: PriceTier[] },
  resolution: string,
): void {
  const push = (bucket: string, a: number | undefined, b: number | undefined) => {
    if (a === b) return;
    if (a !== undefined && b !== undefined && Math.abs(a - b) < 1e-9) return;
    const c: Conflict = {
      kind: 'price differs',
      provider: base.provider,
      model: base.model,
      bucket,
      values: [
        { source: ours.source, value: a },
        { source: theirs.source, value: b },
      ],
      resolution,
    };
    if (base.at !== undefined) c.at = base.at;
    out.push(c);
  };
  for (const b of TOKEN_BUCKETS) push(b, ours.prices[b], theirs.prices[b]);
  // Audio prices are compared only where both sides have one (a source without audio prices is
  // silent about them, not in disagreement).
  for (const b of AUDIO_PRICE_KEYS) {
    if (ours.prices[b] !== undefined && theirs.prices[b] !== undefined)
      push(b, ours.prices[b], theirs.prices[b]);
  }
  const at = new Set(
    [...(ours.tiers ?? []), ...(theirs.tiers ?? [])].map((t) => t.aboveInputTokens),
  );
  for (const n of [...at].sort((a, b) => a - b)) {
    const ot = ours.tiers?.find((t) => t.aboveInputTokens === n);
    const tt = theirs.tiers?.find((t) => t.aboveInputTokens === n);
    if (!ot || !tt) {
      push(`tiers[>${n}]`, ot ? ot.prices.input : undefined, tt ? tt.prices.input : undefined);
      continue;
    }
    for (const b of TOKEN_BUCKETS) push(`tiers[>${n}].${b}`, ot.prices[b], tt.prices[b]);
  }
}

function toPeriod(p: SourcePeriod, from: string, source: string): PricePeriod {
  const period: PricePeriod = { effectiveFrom: from, prices: { ...p.prices }, source };
  if (p.tiers) period.tiers = clone(p.tiers);
  if (p.serviceTiers) period.serviceTiers = { ...p.serviceTiers };
  if (p.regionalUplift !== undefined) period.regionalUplift = p.regionalUplift;
  if (p.toolFees) period.toolFees = { ...p.toolFees };
  return period;
}

/**
 * Audio prices the dataset has and our reviewed period lacks are added to it, when the dataset
 * confirms the period's text prices (same input and output): the audio price belongs to that
 * price regime. Returns whether anything was added.
 */
function fillAudio(ours: PricePeriod, theirs: SourcePeriod, where: string): boolean {
  if (AUDIO_PRICE_KEYS.some((k) => ours.prices[k] !== undefined)) return false;
  const audio = AUDIO_PRICE_KEYS.filter((k) => theirs.prices[k] !== undefined);
  if (audio.length === 0) return false;
  if (ours.prices.input !== theirs.prices.input || ours.prices.output !== theirs.prices.output)
    return false;
  for (const k of audio) ours.prices[k] = theirs.prices[k];
  ours.source = `${ours.source}; audio prices: ${where}`;
  return true;
}

/** Puts keys in the book's usual order so that diffs of the written JSON stay small. */
function tidyPeriod(p: PricePeriod): PricePeriod {
  const out: PricePeriod = { effectiveFrom: p.effectiveFrom } as PricePeriod;
  if (p.effectiveTo !== undefined) out.effectiveTo = p.effectiveTo;
  out.prices = p.prices;
  if (p.tiers) out.tiers = p.tiers;
  if (p.serviceTiers) out.serviceTiers = p.serviceTiers;
  if (p.regionalUplift !== undefined) out.regionalUplift = p.regionalUplift;
  if (p.regionalProcessingUplift !== undefined)
    out.regionalProcessingUplift = p.regionalProcessingUplift;
  if (p.toolFees) out.toolFees = p.toolFees;
  out.source = p.source;
  if (p.note !== undefined) out.note = p.note;
  return out;
}

interface ProviderState {
  file: ProviderPriceFile;
  /** Every id and alias -> model. */
  ids: Map<string, ModelPrices>;
}

function index(file: ProviderPriceFile): Map<string, ModelPrices> {
  const ids = new Map<string, ModelPrices>();
  for (const m of file.models) {
    ids.set(m.id, m);
    for (const a of m.aliases ?? []) ids.set(a, m);
  }
  for (const a of file.movingAliases ?? []) ids.set(a.alias, undefined as unknown as ModelPrices);
  return ids;
}

export function buildBook(opts: BuildOptions): BuildResult {
  const [primary, ...secondaries] = opts.sources;
  if (!primary) throw new Error('buildBook: no source dataset');
  const asOf = opts.asOf ?? new Date().toISOString().slice(0, 10);
  const conflicts: Conflict[] = [];
  const skipped = [...primary.skipped];
  const features = new Map<string, FeatureGap>();
  const states = new Map<string, ProviderState>();
  for (const f of opts.base ?? []) {
    const file = clone(f);
    states.set(file.provider, { file, ids: index(file) });
  }
  const state = (provider: string): ProviderState => {
    let s = states.get(provider);
    if (!s) {
      s = { file: { provider, currency: 'USD', models: [] }, ids: new Map() };
      states.set(provider, s);
    }
    return s;
  };
  const overrideOf = new Map<string, ModelOverride>();
  const keyOf = (dataset: string, provider: string, from: string) =>
    `${dataset}|${provider}/${from}`;
  for (const o of opts.overrides?.models ?? [])
    overrideOf.set(keyOf(o.dataset ?? primary.dataset, o.provider, o.from), o);
  // The primary's models, then the models overrides take from a secondary dataset.
  const entries: { src: SourceModel; set: SourceSet }[] = primary.models.map((src) => ({
    src,
    set: primary,
  }));
  for (const o of opts.overrides?.models ?? []) {
    if (o.dataset === undefined || o.dataset === primary.dataset) continue;
    const set = secondaries.find((s) => s.dataset === o.dataset);
    const src = set?.models.find((m) => m.provider === o.provider && m.datasetId === o.from);
    if (set && src) entries.push({ src, set });
    else
      skipped.push(
        `${o.provider}/${o.from}: listed in the overrides (dataset ${o.dataset}) but not in ${set ? `${set.dataset} ${set.ref}` : `the sources (no ${o.dataset} dataset given)`}`,
      );
  }
  const addFeatures = (provider: string, model: string, list: string[]) => {
    if (list.length === 0) return;
    const key = `${provider}/${model}`;
    const gap = features.get(key) ?? { provider, model, features: [] };
    for (const f of list) if (!gap.features.includes(f)) gap.features.push(f);
    features.set(key, gap);
  };
  /** Dataset model -> the model we wrote (for the secondary comparison). */
  const written: { model: ModelPrices; provider: string; src: SourceModel }[] = [];

  for (const { src, set } of entries) {
    const ov = overrideOf.get(keyOf(set.dataset, src.provider, src.datasetId));
    const s = state(src.provider);
    const id = ov?.id ?? src.id;
    const existing =
      s.ids.get(id) ?? src.aliases.map((a) => s.ids.get(a)).find((m) => m !== undefined);
    if (opts.overrides?.onlyListed && !ov && !existing) {
      skipped.push(`${src.provider}/${src.datasetId}: not listed in the overrides (onlyListed)`);
      continue;
    }
    const defaults = opts.overrides?.defaults?.[src.provider];
    const modelFeatures = [...src.features, ...(ov?.features ?? []), ...(defaults?.features ?? [])];
    if (existing) {
      mergeExisting(existing, src, set.dataset, conflicts, src.provider);
      if (ov?.retiredOn && existing.retiredOn !== ov.retiredOn.date) {
        existing.retiredOn = ov.retiredOn.date;
        const note = `Retired on ${ov.retiredOn.date} (${ov.retiredOn.source}); its periods stay so that earlier calls are priced.`;
        existing.note = existing.note ? `${existing.note} ${note}` : note;
      }
      addFeatures(src.provider, existing.id, modelFeatures);
      written.push({ model: existing, provider: src.provider, src });
      continue;
    }
    const launch =
      ov?.launch ??
      (src.launch && { date: src.launch.date, source: `${set.dataset} ${src.launch.how}` });
    if (!launch) {
      conflicts.push({
        kind: 'no launch date',
        provider: src.provider,
        model: id,
        values: [
          { source: src.where, value: undefined },
          { source: OUR_BOOK, value: undefined },
        ],
        resolution:
          'skipped: a first period needs a launch date (add one to the overrides with its source)',
      });
      continue;
    }
    const periods = newPeriods(src, launch, ov, defaults);
    const model: ModelPrices = { id, periods };
    const aliases = aliasesFor(src, ov, s, id, conflicts);
    if (aliases.length > 0) model.aliases = aliases;
    const notes: string[] = [];
    if (ov?.retiredOn) {
      model.retiredOn = ov.retiredOn.date;
      notes.push(
        `Retired on ${ov.retiredOn.date} (${ov.retiredOn.source}); its periods stay so that earlier calls are priced.`,
      );
    }
    if (ov?.note) notes.push(ov.note);
    if (notes.length > 0) model.note = notes.join(' ');
    s.file.models.push(model);
    s.ids.set(id, model);
    for (const a of aliases) s.ids.set(a, model);
    addFeatures(src.provider, id, modelFeatures);
    written.push({ model, provider: src.provider, src });
  }

  for (const o of opts.overrides?.models ?? []) {
    if (o.dataset !== undefined && o.dataset !== primary.dataset) continue;
    if (!primary.models.some((m) => m.provider === o.provider && m.datasetId === o.from)) {
      skipped.push(
        `${o.provider}/${o.from}: listed in the overrides but not in ${primary.dataset} ${primary.ref}`,
      );
    }
  }

  const asOfMs = ms(asOf);
  for (const secondary of secondaries) {
    skipped.push(...secondary.skipped.map((s) => `${secondary.dataset}: ${s}`));
    for (const { model, provider, src } of written) {
      const names = new Set([model.id, ...(model.aliases ?? []), src.datasetId]);
      const other = secondary.models.find((m) => m.provider === provider && names.has(m.id));
      if (!other) continue;
      addFeatures(provider, model.id, other.features);
      const ours = periodAt(model.periods, asOfMs);
      const theirs = other.periods[0];
      if (!ours || !theirs) continue;
      const where = { provider, model: model.id, at: asOf };
      comparePrices(
        conflicts,
        where,
        ours,
        { source: other.where, prices: theirs.prices, tiers: theirs.tiers },
        `kept ${ours.source.split(';')[0]}`,
      );
      for (const tier of ['batch', 'flex', 'priority'] as const) {
        const a = ours.serviceTiers?.[tier];
        const b = theirs.serviceTiers?.[tier];
        if (b !== undefined && a !== b) {
          conflicts.push({
            kind: 'service tier differs',
            provider,
            model: model.id,
            bucket: tier,
            at: asOf,
            values: [
              { source: ours.source, value: a },
              { source: other.where, value: b },
            ],
            resolution:
              a === undefined ? 'not taken (add it to the overrides if right)' : 'kept ours',
          });
        }
      }
      if (
        provider === 'aws.bedrock' &&
        theirs.regionalUplift !== undefined &&
        theirs.regionalUplift !== ours.regionalUplift
      ) {
        conflicts.push({
          kind: 'regional uplift differs',
          provider,
          model: model.id,
          bucket: 'regionalUplift',
          at: asOf,
          values: [
            { source: ours.source, value: ours.regionalUplift },
            { source: other.where, value: theirs.regionalUplift },
          ],
          resolution: 'kept ours',
        });
      }
      if (other.retiredOn !== undefined && other.retiredOn !== model.retiredOn) {
        conflicts.push({
          kind: 'retirement differs',
          provider,
          model: model.id,
          bucket: 'retiredOn',
          values: [
            { source: OUR_BOOK, value: model.retiredOn },
            { source: other.where, value: other.retiredOn },
          ],
          resolution: 'kept ours (retiredOn is informational)',
        });
      }
    }
  }

  const files = [...states.values()]
    .filter((s) => s.file.models.length > 0)
    .map((s) => ({
      ...s.file,
      models: s.file.models.map((m) => ({ ...m, periods: m.periods.map(tidyPeriod) })),
    }));
  const patterns = written
    .filter((w) => w.src.patterns.length > 0)
    .map((w) => ({ provider: w.provider, model: w.model.id, patterns: w.src.patterns }));
  return { files, conflicts, features: [...features.values()], patterns, skipped };
}

function newPeriods(
  src: SourceModel,
  launch: { date: string; source: string; approximate?: boolean; note?: string },
  ov: ModelOverride | undefined,
  defaults: ProviderDefaults | undefined,
): PricePeriod[] {
  const launchMs = ms(launch.date);
  const periods: PricePeriod[] = [];
  for (const p of src.periods) {
    if (p.start === undefined) {
      const period = toPeriod(p, launch.date, `${src.where}; launch date: ${launch.source}`);
      if (launch.approximate) {
        period.note = `(date approximate): ${launch.note ?? 'the launch date is evidence (first listing), not an announcement; calls before it are unpriced'}`;
      }
      periods.push(period);
    } else if (ms(p.start) > launchMs) {
      periods.push(toPeriod(p, p.start, `${src.where} (start_date ${p.start})`));
    }
  }
  for (const extra of ov?.periods ?? []) {
    const i = periods.findIndex((p) => ms(p.effectiveFrom) === ms(extra.effectiveFrom));
    if (i >= 0) periods[i] = clone(extra);
    else periods.push(clone(extra));
  }
  periods.sort((a, b) => ms(a.effectiveFrom) - ms(b.effectiveFrom));
  const tiers = ov?.serviceTiers ?? defaults?.serviceTiers;
  const tierSource = ov?.serviceTiers ? ov.serviceTiersSource : defaults?.source;
  for (const p of periods) {
    if (tiers && Object.keys(tiers).length > 0 && p.serviceTiers === undefined) {
      p.serviceTiers = { ...tiers };
      if (tierSource) p.source = `${p.source}; service tiers: ${tierSource}`;
    }
  }
  const regional = defaults?.regionalProcessing;
  if (regional && launchMs >= ms(regional.launchedOnOrAfter)) {
    for (const p of periods) {
      if (p.regionalProcessingUplift !== undefined) continue;
      p.regionalProcessingUplift = regional.uplift;
      p.source = `${p.source}; regional processing: ${regional.source}`;
    }
  }
  return periods;
}

function aliasesFor(
  src: SourceModel,
  ov: ModelOverride | undefined,
  s: ProviderState,
  id: string,
  conflicts: Conflict[],
): string[] {
  const drop = new Set(ov?.dropAliases ?? []);
  const out: string[] = [];
  for (const a of [...src.aliases, ...(ov?.aliases ?? [])]) {
    if (a === id || drop.has(a) || out.includes(a)) continue;
    if (s.ids.has(a)) {
      const owner = s.ids.get(a);
      conflicts.push({
        kind: 'alias collision',
        provider: src.provider,
        model: id,
        bucket: 'aliases',
        values: [
          { source: src.where, value: a },
          {
            source: OUR_BOOK,
            value: owner ? `already names ${owner.id}` : 'already a moving alias',
          },
        ],
        resolution: `alias "${a}" not added to ${id}`,
      });
      continue;
    }
    out.push(a);
  }
  return out;
}

function mergeExisting(
  existing: ModelPrices,
  src: SourceModel,
  dataset: string,
  conflicts: Conflict[],
  provider: string,
): void {
  const dated = src.periods.filter((p) => p.start !== undefined);
  const firstDatedMs = dated.length > 0 ? ms(dated[0]!.start!) : Number.POSITIVE_INFINITY;
  const last = existing.periods[existing.periods.length - 1]!;
  for (const p of src.periods) {
    if (p.start === undefined) {
      // The dataset's default price: compare with ours just before its first dated change.
      const atMs = Number.isFinite(firstDatedMs) ? firstDatedMs - 1 : ms(last.effectiveFrom);
      const ours = periodAt(existing.periods, atMs);
      if (ours) {
        fillAudio(ours, p, src.where);
        comparePrices(
          conflicts,
          { provider, model: existing.id, at: ours.effectiveFrom },
          { source: `${OUR_BOOK} (${ours.source})`, prices: ours.prices, tiers: ours.tiers },
          { source: src.where, prices: p.prices, tiers: p.tiers },
          'kept our book',
        );
      }
      continue;
    }
    const startMs = ms(p.start);
    const same = existing.periods.find((q) => ms(q.effectiveFrom) === startMs);
    if (same) {
      fillAudio(same, p, `${src.where} (start_date ${p.start})`);
      comparePrices(
        conflicts,
        { provider, model: existing.id, at: p.start },
        { source: `${OUR_BOOK} (${same.source})`, prices: same.prices, tiers: same.tiers },
        { source: `${src.where} (start_date ${p.start})`, prices: p.prices, tiers: p.tiers },
        'kept our book',
      );
    } else if (startMs > ms(existing.periods[existing.periods.length - 1]!.effectiveFrom)) {
      const prev = existing.periods[existing.periods.length - 1]!;
      const added = toPeriod(p, p.start, `${src.where} (start_date ${p.start})`);
      if (prev.serviceTiers && !added.serviceTiers) added.serviceTiers = { ...prev.serviceTiers };
      if (prev.regionalUplift !== undefined && added.regionalUplift === undefined)
        added.regionalUplift = prev.regionalUplift;
      existing.periods.push(added);
    } else {
      conflicts.push({
        kind: 'period missing',
        provider,
        model: existing.id,
        at: p.start,
        values: [
          { source: OUR_BOOK, value: `no period starting ${p.start}` },
          {
            source: `${src.where} (start_date ${p.start})`,
            value: `input ${p.prices.input} / output ${p.prices.output}`,
          },
        ],
        resolution: `kept our book (${dataset}'s change falls inside our reviewed history)`,
      });
    }
  }
}
