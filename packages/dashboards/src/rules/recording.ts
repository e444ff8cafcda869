/**
 * Recording rules: per-customer revenue, cost, margin over the standard windows, and the
 * whole-business views built on them. Each rule is built from the PromQL catalog, so the report
 * and the dashboards compute the same formulas on raw series.
 */
import { LABELS } from '@ai-margin/conventions';
import {
  allocatedFixedCost,
  COST_DETAIL_SHARDS,
  costToServeOf,
  FLEET,
  isTiled,
  marginByInfoLabel,
  marginDistribution,
  marginOf,
  marginRatioByInfoLabel,
  marginRatioOf,
  mrrProrated,
  RECORD,
  ROLLUP_LABELS,
  RULE_SCOPE,
  recorded,
  revenueOf,
  rollupExpr,
  SHARD_LABEL,
  SHARDED_WINDOWS,
  scopeTotalRule,
  top20CostShare,
  topCostRule,
  underwaterCount,
  unpricedShare,
  WINDOWS,
  type WindowName,
} from '../queries/catalog';

export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
  /** Static labels (only the shards of a rule recorded in parts have one). */
  readonly labels?: Readonly<Record<string, string>>;
}

export interface RuleGroup {
  readonly name: string;
  readonly interval: string;
  readonly rules: readonly RecordingRule[];
}

/** Names of the recording rules (defined in the catalog, next to the panels that read them). */
export { RECORD };

/** Windows that get per-customer rules, and those that also get business-wide rules. */
export const CUSTOMER_WINDOWS: readonly WindowName[] = ['1h', '1d', '7d', '30d'];
export const BUSINESS_WINDOWS: readonly WindowName[] = ['7d', '30d'];
export const COHORT_WINDOWS: readonly WindowName[] = ['30d'];

function customerRules(w: WindowName): RecordingRule[] {
  const win = WINDOWS[w];
  const detail = RECORD.costDetail(w);
  const R = ROLLUP_LABELS;
  // What later rules read of earlier ones: the latest output within RECORDED_LOOKBACK.
  const costDetail = recorded(detail);
  const cost = recorded(RECORD.cost(w));
  const revenue = recorded(RECORD.revenue(w));
  // Tiled windows allocate by the recorded drivers instead of reading the raw counters again.
  const drivers = isTiled(w)
    ? {
        requests: recorded(RECORD.requests(w)),
        tokens: recorded(RECORD.tokens(w)),
        cost,
      }
    : undefined;
  // One pass over the raw cost series; the other cost views sum this rollup. The long windows
  // record it in shards that each hold a share of the series (see COST_DETAIL_SHARDS).
  const detailRules: RecordingRule[] = SHARDED_WINDOWS.includes(w)
    ? COST_DETAIL_SHARDS.map((shard, i) => ({
        record: detail,
        expr: rollupExpr.increase('costDetail', w, shard),
        labels: { [SHARD_LABEL]: String(i) },
      }))
    : [{ record: detail, expr: rollupExpr.increase('costDetail', w) }];
  return [
    ...detailRules,
    {
      record: RECORD.cost(w),
      expr: rollupExpr.fromCostDetail(costDetail, [LABELS.customer]),
    },
    {
      record: RECORD.customerModel(w),
      expr: rollupExpr.fromCostDetail(costDetail, R.customerModel),
    },
    {
      record: RECORD.customerFeature(w),
      expr: rollupExpr.fromCostDetail(costDetail, R.customerFeature),
    },
    {
      record: RECORD.modelFeatureCost(w),
      expr: rollupExpr.fromCostDetail(costDetail, R.modelFeatureCost),
    },
    { record: RECORD.requests(w), expr: rollupExpr.increase('requests', w) },
    { record: RECORD.tokens(w), expr: rollupExpr.increase('tokens', w) },
    {
      record: RECORD.modelFeatureRequests(w),
      expr: rollupExpr.increase('modelFeatureRequests', w),
    },
    { record: RECORD.modelFeatureTokens(w), expr: rollupExpr.increase('modelFeatureTokens', w) },
    { record: RECORD.usageRevenue(w), expr: rollupExpr.increase('usageRevenue', w) },
    {
      record: RECORD.revenue(w),
      expr: revenueOf(recorded(RECORD.usageRevenue(w)), mrrProrated(win, RULE_SCOPE)),
    },
    {
      record: RECORD.margin(w),
      expr: marginOf(revenue, cost),
    },
    {
      record: RECORD.marginRatio(w),
      expr: marginRatioOf(recorded(RECORD.margin(w)), revenue),
    },
    { record: RECORD.fixedAllocated(w), expr: allocatedFixedCost(win, RULE_SCOPE, drivers) },
    {
      record: RECORD.costToServe(w),
      expr: costToServeOf(cost, recorded(RECORD.fixedAllocated(w))),
    },
  ];
}

/** Every rule keeps these labels: environments and clusters never mix, replicas do. */
const SCOPE = FLEET.scopeLabels;

function businessRules(w: WindowName): RecordingRule[] {
  return [
    { record: RECORD.top20CostShare(w), expr: top20CostShare(recorded(RECORD.cost(w)), SCOPE) },
    {
      record: RECORD.marginBands(w),
      expr: marginDistribution(recorded(RECORD.marginRatio(w)), SCOPE),
    },
    { record: RECORD.underwater(w), expr: underwaterCount(recorded(RECORD.margin(w)), SCOPE) },
  ];
}

function cohortRules(w: WindowName): RecordingRule[] {
  const byInfo = (label: string) =>
    marginRatioByInfoLabel(
      label,
      recorded(RECORD.margin(w)),
      recorded(RECORD.revenue(w)),
      [],
      SCOPE,
    );
  return [
    { record: RECORD.cohortMarginRatio(w), expr: byInfo(LABELS.cohort) },
    {
      record: RECORD.cohortMargin(w),
      expr: marginByInfoLabel(LABELS.cohort, recorded(RECORD.margin(w)), SCOPE),
    },
    { record: RECORD.ageMonthMarginRatio(w), expr: byInfo(LABELS.ageMonth) },
  ];
}

/**
 * The recording-rule groups. Rules inside a group run in order, so rules that read other
 * recording rules come after them in the same group.
 */
export function recordingRuleGroups(): RuleGroup[] {
  const short: RecordingRule[] = [];
  const long: RecordingRule[] = [];
  for (const w of CUSTOMER_WINDOWS)
    (LONG_WINDOWS.includes(w) ? long : short).push(...customerRules(w));
  for (const w of BUSINESS_WINDOWS)
    (LONG_WINDOWS.includes(w) ? long : short).push(...businessRules(w));
  for (const w of COHORT_WINDOWS) (LONG_WINDOWS.includes(w) ? long : short).push(...cohortRules(w));
  // Trend panels over 30 days read these, not 10,000 per-customer series: the top-cost
  // customers and each scope's totals.
  short.push(
    { record: RECORD.topCost('1h'), expr: topCostRule(recorded(RECORD.cost('1h')), SCOPE) },
    { record: RECORD.scopeCost('1h'), expr: scopeTotalRule(recorded(RECORD.cost('1h')), SCOPE) },
    {
      record: RECORD.scopeRevenue('1h'),
      expr: scopeTotalRule(recorded(RECORD.revenue('1h')), SCOPE),
    },
  );
  short.push({
    record: RECORD.unpricedShare('1h'),
    expr: unpricedShare(WINDOWS['1h'], RULE_SCOPE),
  });
  return [
    { name: 'ai_margin_recording', interval: '1m', rules: short },
    // 7- and 30-day windows read weeks of samples: every 4 minutes is fresh enough for a
    // 30-day figure and keeps evaluation cheap. Rules, alerts and panels read a rule's latest
    // value within RECORDED_LOOKBACK (20m): under vmalert a rule reads the previous
    // evaluation's output (written back by remote write, stamped with its start time).
    { name: 'ai_margin_recording_long', interval: '4m', rules: long },
  ];
}

/** Windows evaluated in the 5-minute group. */
export const LONG_WINDOWS: readonly WindowName[] = ['7d', '30d'];
