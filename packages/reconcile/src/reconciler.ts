/**
 * Daily (UTC) reconciliation of provisional cost against provider cost reports, per provider
 * and model (and token type where both sides have it). Pure and deterministic: the same inputs
 * always give the same result, rows sorted by day, provider, model.
 */
import { TOKEN_TYPE_LABEL } from '@ai-margin/conventions';
import { allocateProRata } from './allocate';
import { nanosToUsd } from './money';
import type { ProvisionalCost } from './provisional';
import type { ReportLine, ReportSet } from './types';

/**
 * - `matched`: the report covers the day and both sides have the model.
 * - `provisional_only`: the report covers the day but has no line for a model we priced
 *   (reported cost is 0: the whole provisional cost is drift).
 * - `report_only`: the report bills a model with no provisional cost (unpriced or untracked usage).
 * - `not_reported`: the report does not cover the day yet (no bucket for it): not drift, a gap.
 */
export type ReconcileStatus = 'matched' | 'provisional_only' | 'report_only' | 'not_reported';

export interface TokenTypeComparison {
  tokenType: string;
  reportedUsd: number;
  /** Present only when the provisional input carries token types. */
  provisionalUsd?: number;
}

export interface ModelDayReconciliation {
  day: string;
  provider: string;
  model: string;
  status: ReconcileStatus;
  provisionalUsd: number;
  /** null when the report does not cover the day. */
  reportedUsd: number | null;
  /** reported - provisional; null when not reported. */
  driftUsd: number | null;
  /** 100 * drift / provisional; null when provisional is 0 or not reported. */
  driftPercent: number | null;
  /** reported / provisional; null when provisional is 0 or not reported. */
  ratio: number | null;
  /** Customers with provisional cost for this model and day. */
  customers: number;
  reportLines: number;
  byTokenType: TokenTypeComparison[];
  provisionalNanos: bigint;
  reportedNanos: bigint | null;
}

export interface CustomerCorrection {
  day: string;
  provider: string;
  customerId: string;
  /** reported - provisional, this customer's pro-rata share. */
  usd: number;
  nanos: bigint;
}

export interface UnallocatedCorrection {
  day: string;
  provider: string;
  usd: number;
  nanos: bigint;
  reason: string;
}

export interface ReconcileOptions {
  /** Report line sets, one per provider (as returned by `loadCostReports`). */
  reports: ReportSet<ReportLine>[];
  provisional: readonly ProvisionalCost[];
  /** First and last UTC day (both included); default: the span of the inputs. */
  from?: string;
  to?: string;
  /**
   * Per provider, model names to rewrite on BOTH sides before matching, e.g.
   * `{"aws.bedrock": {"Claude4.6Sonnet": "anthropic.claude-sonnet-4-6"}}`.
   */
  modelMap?: ModelMap;
}

/** Per provider, report/provisional model name -> canonical model name. */
export type ModelMap =
  | ReadonlyMap<string, ReadonlyMap<string, string>>
  | Readonly<Record<string, Readonly<Record<string, string>>>>;

/**
 * The model map as Maps of own entries only: provider and model names are user text, and a
 * model called `constructor` must not find Object.prototype.constructor.
 */
function modelMapOf(map: ModelMap | undefined): Map<string, ReadonlyMap<string, string>> {
  const out = new Map<string, ReadonlyMap<string, string>>();
  if (map === undefined) return out;
  const entries = map instanceof Map ? [...map] : Object.entries(map);
  for (const [provider, names] of entries) {
    out.set(provider, names instanceof Map ? names : new Map(Object.entries(names)));
  }
  return out;
}

export interface ReconcileResult {
  from: string;
  to: string;
  /** Providers reconciled: those with a report. Provisional cost of other providers is ignored. */
  providers: string[];
  rows: ModelDayReconciliation[];
  corrections: CustomerCorrection[];
  unallocated: UnallocatedCorrection[];
  warnings: string[];
}

const TOKEN_ORDER: string[] = Object.values(TOKEN_TYPE_LABEL);

function compareTokenTypes(a: string, b: string): number {
  const ia = TOKEN_ORDER.indexOf(a);
  const ib = TOKEN_ORDER.indexOf(b);
  if (ia !== ib) return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib);
  return a < b ? -1 : a > b ? 1 : 0;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

interface Cell {
  provisional: Map<string, bigint>;
  provisionalByToken: Map<string, bigint>;
  provisionalUntyped: boolean;
  reported: bigint;
  reportedByToken: Map<string, bigint>;
  reportLines: number;
}

const newCell = (): Cell => ({
  provisional: new Map(),
  provisionalByToken: new Map(),
  provisionalUntyped: false,
  reported: 0n,
  reportedByToken: new Map(),
  reportLines: 0,
});

const add = <K>(m: Map<K, bigint>, k: K, v: bigint) => m.set(k, (m.get(k) ?? 0n) + v);
const sum = (m: Map<string, bigint>) => [...m.values()].reduce((s, v) => s + v, 0n);

/** Compares provisional with reported cost and spreads each difference over customers. */
export function reconcile(opts: ReconcileOptions): ReconcileResult {
  const providers = [...new Set(opts.reports.map((r) => r.provider))].sort(cmp);
  const covered = new Map<string, Set<string>>();
  const warnings: string[] = [];
  for (const r of opts.reports) {
    const set = covered.get(r.provider) ?? new Set<string>();
    for (const d of r.coveredDays) set.add(d);
    covered.set(r.provider, set);
    warnings.push(...r.warnings);
  }
  const modelMap = modelMapOf(opts.modelMap);
  const mapModel = (provider: string, model: string) => modelMap.get(provider)?.get(model) ?? model;
  const wanted = new Set(providers);
  const provisional = opts.provisional.filter((p) => wanted.has(p.provider));
  const allDays = [
    ...opts.reports.flatMap((r) => [...r.coveredDays]),
    ...provisional.map((p) => p.day),
  ].sort(cmp);
  const from = opts.from ?? allDays[0] ?? '';
  const to = opts.to ?? allDays[allDays.length - 1] ?? '';
  const inRange = (day: string) => day >= from && day <= to;

  // provider -> day -> model -> cell
  const grid = new Map<string, Map<string, Map<string, Cell>>>();
  const cell = (provider: string, day: string, model: string): Cell => {
    const byDay = grid.get(provider) ?? new Map<string, Map<string, Cell>>();
    grid.set(provider, byDay);
    const byModel = byDay.get(day) ?? new Map<string, Cell>();
    byDay.set(day, byModel);
    const c = byModel.get(model) ?? newCell();
    byModel.set(model, c);
    return c;
  };

  for (const p of provisional) {
    if (!inRange(p.day)) continue;
    const c = cell(p.provider, p.day, mapModel(p.provider, p.model));
    add(c.provisional, p.customerId, p.nanos);
    if (p.tokenType) add(c.provisionalByToken, p.tokenType, p.nanos);
    else c.provisionalUntyped = true;
  }
  for (const r of opts.reports) {
    for (const line of r.lines) {
      if (!inRange(line.day)) continue;
      const c = cell(line.provider, line.day, mapModel(line.provider, line.model));
      c.reported += line.nanos;
      c.reportLines++;
      if (line.tokenType) add(c.reportedByToken, line.tokenType, line.nanos);
    }
  }

  const rows: ModelDayReconciliation[] = [];
  const corrections: CustomerCorrection[] = [];
  const unallocated: UnallocatedCorrection[] = [];
  for (const provider of [...grid.keys()].sort(cmp)) {
    const byDay = grid.get(provider)!;
    for (const day of [...byDay.keys()].sort(cmp)) {
      const byModel = byDay.get(day)!;
      const isCovered = covered.get(provider)?.has(day) ?? false;
      const dayWeights = new Map<string, bigint>();
      for (const c of byModel.values())
        for (const [cust, n] of c.provisional) add(dayWeights, cust, n);
      const dayCorrections = new Map<string, bigint>();
      for (const cust of dayWeights.keys()) dayCorrections.set(cust, 0n);
      let unallocatedNanos = 0n;

      for (const model of [...byModel.keys()].sort(cmp)) {
        const c = byModel.get(model)!;
        const prov = sum(c.provisional);
        const hasProvisional = c.provisional.size > 0;
        const status: ReconcileStatus = !isCovered
          ? 'not_reported'
          : c.reportLines === 0
            ? 'provisional_only'
            : hasProvisional
              ? 'matched'
              : 'report_only';
        const reported = isCovered ? c.reported : null;
        const drift = reported === null ? null : reported - prov;
        const withTypedProvisional = !c.provisionalUntyped && c.provisionalByToken.size > 0;
        const tokenTypes = new Set([
          ...c.reportedByToken.keys(),
          ...(withTypedProvisional ? c.provisionalByToken.keys() : []),
        ]);
        const byTokenType = [...tokenTypes].sort(compareTokenTypes).map((tokenType) => ({
          tokenType,
          reportedUsd: nanosToUsd(c.reportedByToken.get(tokenType) ?? 0n),
          ...(withTypedProvisional
            ? { provisionalUsd: nanosToUsd(c.provisionalByToken.get(tokenType) ?? 0n) }
            : {}),
        }));
        rows.push({
          day,
          provider,
          model,
          status,
          provisionalUsd: nanosToUsd(prov),
          reportedUsd: reported === null ? null : nanosToUsd(reported),
          driftUsd: drift === null ? null : nanosToUsd(drift),
          driftPercent: drift === null || prov === 0n ? null : (Number(drift) / Number(prov)) * 100,
          ratio: reported === null || prov === 0n ? null : Number(reported) / Number(prov),
          customers: c.provisional.size,
          reportLines: c.reportLines,
          byTokenType,
          provisionalNanos: prov,
          reportedNanos: reported,
        });
        if (drift === null || drift === 0n) continue;
        // Spread over the model's customers; a model with no provisional cost over the day's.
        const weights = prov > 0n ? c.provisional : dayWeights;
        const shares = allocateProRata(drift, weights);
        if (shares.size === 0) unallocatedNanos += drift;
        for (const [cust, n] of shares) add(dayCorrections, cust, n);
      }

      if (!isCovered) {
        warnings.push(
          `${provider} ${day}: the report does not cover this day: provisional cost is not reconciled`,
        );
        continue;
      }
      for (const cust of [...dayCorrections.keys()].sort(cmp)) {
        const nanos = dayCorrections.get(cust)!;
        corrections.push({ day, provider, customerId: cust, usd: nanosToUsd(nanos), nanos });
      }
      if (unallocatedNanos !== 0n) {
        unallocated.push({
          day,
          provider,
          usd: nanosToUsd(unallocatedNanos),
          nanos: unallocatedNanos,
          reason:
            'reported cost on a day with no provisional cost for this provider: no customer to allocate it to',
        });
      }
    }
  }
  return { from, to, providers, rows, corrections, unallocated, warnings };
}

/**
 * True when a row's drift exceeds `maxPercent` (absolute): a reported cost with no provisional
 * cost is unbounded drift; days the report does not cover are never drift.
 */
export function exceedsDrift(row: ModelDayReconciliation, maxPercent: number): boolean {
  if (row.status === 'not_reported' || row.reportedNanos === null) return false;
  if (row.provisionalNanos === 0n) return row.reportedNanos !== 0n;
  // A non-finite percentage cannot be within any threshold (never silently passes).
  const pct = row.driftPercent ?? 0;
  return !Number.isFinite(pct) || Math.abs(pct) > maxPercent;
}
