/**
 * Recording rules: per-customer revenue, cost, margin over the standard windows, and the
 * whole-business views built on them. Each rule is built from the PromQL catalog, so the report
 * and the dashboards compute the same formulas on raw series.
 */
import { LABELS } from '@ai-margin/conventions';
import {
  allocatedFixedCost,
  costByCustomer,
  costToServeOf,
  marginByInfoLabel,
  marginDistribution,
  marginOf,
  marginRatioByInfoLabel,
  marginRatioOf,
  mrrProrated,
  revenueOf,
  top20CostShare,
  underwaterCount,
  unpricedShare,
  usageRevenueByCustomer,
  WINDOWS,
  type WindowName,
} from '../queries/catalog';

export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
}

export interface RuleGroup {
  readonly name: string;
  readonly interval: string;
  readonly rules: readonly RecordingRule[];
}

/** Names of the recording rules, so alerts and tests refer to them without typos. */
export const RECORD = {
  cost: (w: WindowName) => `customer:ai_margin_cost_usd:increase${w}`,
  usageRevenue: (w: WindowName) => `customer:ai_margin_usage_revenue_usd:increase${w}`,
  revenue: (w: WindowName) => `customer:ai_margin_revenue_usd:${w}`,
  margin: (w: WindowName) => `customer:ai_margin_margin_usd:${w}`,
  marginRatio: (w: WindowName) => `customer:ai_margin_margin_ratio:${w}`,
  fixedAllocated: (w: WindowName) => `customer:ai_margin_fixed_cost_allocated_usd:${w}`,
  costToServe: (w: WindowName) => `customer:ai_margin_cost_to_serve_usd:${w}`,
  top20CostShare: (w: WindowName) => `ai_margin:top20_cost_share:${w}`,
  marginBands: (w: WindowName) => `ai_margin:customers_by_margin_band:${w}`,
  underwater: (w: WindowName) => `ai_margin:underwater_customers:${w}`,
  cohortMarginRatio: (w: WindowName) => `cohort:ai_margin_margin_ratio:${w}`,
  cohortMargin: (w: WindowName) => `cohort:ai_margin_margin_usd:${w}`,
  ageMonthMarginRatio: (w: WindowName) => `age_month:ai_margin_margin_ratio:${w}`,
  unpricedShare: (w: WindowName) => `ai_margin:unpriced_request_share:${w}`,
} as const;

/** Windows that get per-customer rules, and those that also get business-wide rules. */
export const CUSTOMER_WINDOWS: readonly WindowName[] = ['1h', '1d', '7d', '30d'];
export const BUSINESS_WINDOWS: readonly WindowName[] = ['7d', '30d'];
export const COHORT_WINDOWS: readonly WindowName[] = ['30d'];

function customerRules(w: WindowName): RecordingRule[] {
  const win = WINDOWS[w];
  return [
    { record: RECORD.cost(w), expr: costByCustomer(win) },
    { record: RECORD.usageRevenue(w), expr: usageRevenueByCustomer(win) },
    { record: RECORD.revenue(w), expr: revenueOf(RECORD.usageRevenue(w), mrrProrated(win)) },
    { record: RECORD.margin(w), expr: marginOf(RECORD.revenue(w), RECORD.cost(w)) },
    { record: RECORD.marginRatio(w), expr: marginRatioOf(RECORD.margin(w), RECORD.revenue(w)) },
    { record: RECORD.fixedAllocated(w), expr: allocatedFixedCost(win) },
    {
      record: RECORD.costToServe(w),
      expr: costToServeOf(RECORD.cost(w), RECORD.fixedAllocated(w)),
    },
  ];
}

function businessRules(w: WindowName): RecordingRule[] {
  return [
    { record: RECORD.top20CostShare(w), expr: top20CostShare(RECORD.cost(w)) },
    { record: RECORD.marginBands(w), expr: marginDistribution(RECORD.marginRatio(w)) },
    { record: RECORD.underwater(w), expr: underwaterCount(RECORD.margin(w)) },
  ];
}

function cohortRules(w: WindowName): RecordingRule[] {
  return [
    {
      record: RECORD.cohortMarginRatio(w),
      expr: marginRatioByInfoLabel(LABELS.cohort, RECORD.margin(w), RECORD.revenue(w)),
    },
    { record: RECORD.cohortMargin(w), expr: marginByInfoLabel(LABELS.cohort, RECORD.margin(w)) },
    {
      record: RECORD.ageMonthMarginRatio(w),
      expr: marginRatioByInfoLabel(LABELS.ageMonth, RECORD.margin(w), RECORD.revenue(w)),
    },
  ];
}

/**
 * The recording-rule groups. Rules inside a group run in order, so rules that read other
 * recording rules come after them in the same group.
 */
export function recordingRuleGroups(): RuleGroup[] {
  const rules: RecordingRule[] = [];
  for (const w of CUSTOMER_WINDOWS) rules.push(...customerRules(w));
  for (const w of BUSINESS_WINDOWS) rules.push(...businessRules(w));
  for (const w of COHORT_WINDOWS) rules.push(...cohortRules(w));
  rules.push({ record: RECORD.unpricedShare('1h'), expr: unpricedShare(WINDOWS['1h']) });
  return [{ name: 'ai_margin_recording', interval: '1m', rules }];
}
