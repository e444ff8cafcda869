/**
 * Alert definitions, written once and rendered both as a Prometheus rule file and as Grafana-
 * managed alert provisioning. Each alert is a value query plus a threshold, so the two renderings
 * cannot disagree: Prometheus gets `value <op> threshold`, Grafana gets query -> reduce ->
 * threshold.
 */
import { LABELS } from '@ai-margin/conventions';
import {
  cardinalityOverflow,
  costByCustomer,
  FLEET,
  marginOf,
  marginRatioByInfoLabel,
  marginRatioOf,
  NOT_A_CUSTOMER,
  NOT_A_CUSTOMER_REGEX,
  priceBookAgeWithUnknownModels,
  RULE_SCOPE,
  reconciliationRatio,
  recorded,
  rejectedAmounts,
  revenueByCustomer,
  SDK_UNPATCHED_REASON,
  unpricedUsage,
  WINDOWS,
  type WindowName,
} from '../queries/catalog';
import { eq, paren } from '../queries/promql';
import { RECORD } from '../rules/recording';

/** Tunable thresholds. Defaults suit a B2B AI product billed monthly. */
export interface AlertConfig {
  /** Margin window for the negative-margin and at-risk alerts (a recording-rule window). */
  marginWindow: WindowName;
  /** A customer is at risk when its margin ratio is at or above 0 and below this floor. */
  atRiskMarginFloor: number;
  /**
   * Age months compared by the cohort degradation alert (label values of customer_age_month).
   * The processor counts whole months since signup, so a customer's first month is "0": the
   * defaults compare the first month ("0") with the third ("2"), the article's month 1 vs month 3.
   */
  cohortEarlyAgeMonth: string;
  cohortLateAgeMonth: string;
  /** Fire when the late age month's margin ratio is this many points (0..1) below the early one. */
  cohortDegradationPoints: number;
  /** Cost spike: last hour's cost above this multiple of the 7-day hourly average ... */
  costSpikeFactor: number;
  /** ... and above this many USD in the hour (ignores tiny customers). */
  costSpikeMinUsd: number;
  /** Reconciliation drift: |reported / provisional - 1| above this fraction. */
  reconciliationDriftTolerance: number;
  /**
   * Price book stale: its newest price took effect more than this many days ago while calls to
   * unknown models were seen in the last hour.
   */
  priceBookMaxAgeDays: number;
  /** Base URL of docs/dashboards.md; alerts link to `${runbookBaseUrl}#<anchor>`. */
  runbookBaseUrl: string;
}

export const DEFAULT_ALERT_CONFIG: AlertConfig = {
  marginWindow: '30d',
  atRiskMarginFloor: 0.2,
  cohortEarlyAgeMonth: '0',
  cohortLateAgeMonth: '2',
  cohortDegradationPoints: 0.2,
  costSpikeFactor: 3,
  costSpikeMinUsd: 1,
  reconciliationDriftTolerance: 0.05,
  priceBookMaxAgeDays: 120,
  runbookBaseUrl: 'https://github.com/ai-margin/ai-margin/blob/main/docs/dashboards.md',
};

export type Threshold =
  | { readonly op: '>' | '<'; readonly value: number }
  | { readonly within: readonly [number, number] };

export interface AlertDefinition {
  /** Alert name (Prometheus `alert:`, Grafana title). */
  readonly name: string;
  /** Stable id for Grafana (`uid`). */
  readonly uid: string;
  /** The query whose value the threshold applies to; its labels identify the alert instance. */
  readonly value: string;
  readonly threshold: Threshold;
  readonly for: string;
  readonly severity: 'critical' | 'warning' | 'info';
  /** One line; may use {{ $labels.x }} and {{ $value }} (converted for Grafana). */
  readonly summary: string;
  readonly description: string;
  /** Anchor in docs/dashboards.md. */
  readonly runbook: string;
}

/** `value op threshold` as a Prometheus expression. */
export function prometheusExpr(a: AlertDefinition): string {
  const t = a.threshold;
  if ('within' in t) return `(${a.value}) >= ${t.within[0]} < ${t.within[1]}`;
  return `(${a.value}) ${t.op} ${t.value}`;
}

const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;

/**
 * Where alert values come from: `recorded` reads the recording rules (Prometheus / vmalert rule
 * files, loaded together); `raw` computes the same figures from the raw series (Grafana-managed
 * alerts, which must not depend on rule files being loaded).
 */
export type AlertSource = 'recorded' | 'raw';

interface AlertInputs {
  margin: string;
  marginRatio: string;
  ageMonthRatio: (ageMonth: string) => string;
  cost1h: string;
  cost7d: string;
}

function alertInputs(source: AlertSource, w: WindowName): AlertInputs {
  const age = LABELS.ageMonth;
  if (source === 'recorded') {
    const notCustomer = [NOT_A_CUSTOMER];
    return {
      // The latest evaluation within RECORDED_LOOKBACK, as the rules read each other: a slow
      // evaluation of the long group must not resolve an alert and restart its `for`.
      margin: recorded(RECORD.margin(w), notCustomer),
      marginRatio: recorded(RECORD.marginRatio(w), notCustomer),
      ageMonthRatio: (m) => recorded(RECORD.ageMonthMarginRatio('30d'), [eq(age, m)]),
      cost1h: recorded(RECORD.cost('1h'), notCustomer),
      cost7d: recorded(RECORD.cost('7d')),
    };
  }
  // Per environment and cluster, like the recording rules.
  const f = { ...RULE_SCOPE, excludeCustomer: NOT_A_CUSTOMER_REGEX };
  const revenue = revenueByCustomer(WINDOWS[w], f);
  const margin = marginOf(revenue, costByCustomer(WINDOWS[w], f));
  const revenue30 = revenueByCustomer(WINDOWS['30d'], RULE_SCOPE);
  const margin30 = marginOf(revenue30, costByCustomer(WINDOWS['30d'], RULE_SCOPE));
  return {
    margin,
    marginRatio: marginRatioOf(margin, revenue),
    ageMonthRatio: (m) =>
      marginRatioByInfoLabel(age, margin30, revenue30, [eq(age, m)], FLEET.scopeLabels),
    cost1h: costByCustomer(WINDOWS['1h'], f),
    cost7d: costByCustomer(WINDOWS['7d'], RULE_SCOPE),
  };
}

export function alertDefinitions(
  config: Partial<AlertConfig> = {},
  source: AlertSource = 'recorded',
): AlertDefinition[] {
  const c = { ...DEFAULT_ALERT_CONFIG, ...config };
  const w = c.marginWindow;
  const customer = `{{ $labels.${LABELS.customer} }}`;
  const age = LABELS.ageMonth;
  const v = alertInputs(source, w);
  // Every alert is per environment and cluster; its summary names them when the series have them.
  const where = FLEET.scopeLabels.map((l) => `{{ with $labels.${l} }} [{{ . }}]{{ end }}`).join('');
  const alerts: AlertDefinition[] = [
    {
      name: 'AiMarginNegativeMarginCustomer',
      uid: 'ai-margin-negative-margin',
      value: v.margin,
      threshold: { op: '<', value: 0 },
      for: '1h',
      severity: 'critical',
      summary: `Customer ${customer} costs more to serve than it pays`,
      description: `Contribution margin of ${customer} over the last ${w} is {{ $value | printf "%.2f" }} USD (revenue minus variable cost). Every request from this customer loses money.`,
      runbook: 'negative-margin-customer',
    },
    {
      name: 'AiMarginCustomerAtRisk',
      uid: 'ai-margin-customer-at-risk',
      value: v.marginRatio,
      threshold: { within: [0, c.atRiskMarginFloor] },
      for: '1h',
      severity: 'warning',
      summary: `Customer ${customer} margin is below ${pct(c.atRiskMarginFloor)}`,
      description: `Margin ratio of ${customer} over the last ${w} is {{ $value | humanizePercentage }}, below the ${pct(c.atRiskMarginFloor)} floor but not yet negative.`,
      runbook: 'customer-at-risk',
    },
    {
      name: 'AiMarginCohortDegradation',
      uid: 'ai-margin-cohort-degradation',
      value: `${paren(v.ageMonthRatio(c.cohortEarlyAgeMonth))} - ignoring (${age}) ${paren(v.ageMonthRatio(c.cohortLateAgeMonth))}`,
      threshold: { op: '>', value: c.cohortDegradationPoints },
      for: '6h',
      severity: 'warning',
      summary: `Customers at age month ${c.cohortLateAgeMonth} earn a much lower margin than at age month ${c.cohortEarlyAgeMonth}`,
      description: `Margin ratio of customers at age month ${c.cohortLateAgeMonth} is {{ $value | humanizePercentage }} points below that of customers at age month ${c.cohortEarlyAgeMonth} (last 30d). Usage grows faster than revenue as customers mature.`,
      runbook: 'cohort-margin-degradation',
    },
    {
      name: 'AiMarginUnpricedUsage',
      uid: 'ai-margin-unpriced-usage',
      // Unpriced calls, plus SDK modules loaded but not instrumented (their calls make no span).
      value: unpricedUsage(WINDOWS['1h'], RULE_SCOPE),
      threshold: { op: '>', value: 0 },
      for: '15m',
      severity: 'warning',
      summary: `Unpriced calls to {{ $labels.${LABELS.provider} }}/{{ $labels.${LABELS.model} }} ({{ $labels.${LABELS.reason} }})`,
      description: `{{ if eq $labels.${LABELS.reason} "${SDK_UNPATCHED_REASON}" }}The SDK {{ $labels.${LABELS.provider} }} {{ $labels.${LABELS.model} }} is loaded but ai-margin could not instrument it: its calls make no span and their cost is missing from every margin figure.{{ else }}{{ $value | printf "%.0f" }} calls in the last hour to model {{ $labels.${LABELS.model} }} of {{ $labels.${LABELS.provider} }} could not be priced (reason {{ $labels.${LABELS.reason} }}); their cost is missing from every margin figure.{{ end }}`,
      runbook: 'unpriced-usage',
    },
    {
      name: 'AiMarginPriceBookStale',
      uid: 'ai-margin-price-book-stale',
      value: priceBookAgeWithUnknownModels(WINDOWS['1h'], RULE_SCOPE),
      threshold: { op: '>', value: c.priceBookMaxAgeDays },
      for: '1h',
      severity: 'warning',
      summary: `Price book {{ $labels.${LABELS.version} }} is {{ $value | printf "%.0f" }} days old and calls to unknown models are rising`,
      description: `The newest price in price book {{ $labels.${LABELS.version} }} took effect {{ $value | printf "%.0f" }} days ago (limit ${c.priceBookMaxAgeDays}) and calls to models it does not know were counted in the last hour: new models are probably in use without prices. Add them to a price file, or refresh the book (ai-margin prices update, ai-margin prices import).`,
      runbook: 'price-book-stale',
    },
    {
      name: 'AiMarginCustomerCostSpike',
      uid: 'ai-margin-cost-spike',
      value: `(${v.cost1h} > ${c.costSpikeMinUsd}) / (${paren(v.cost7d)} / 168)`,
      threshold: { op: '>', value: c.costSpikeFactor },
      for: '0m',
      severity: 'warning',
      summary: `Cost spike for customer ${customer}`,
      description: `Cost of ${customer} in the last hour is {{ $value | printf "%.1f" }} times its 7-day hourly average (alert above ${c.costSpikeFactor}x and ${c.costSpikeMinUsd} USD/hour).`,
      runbook: 'customer-cost-spike',
    },
    {
      name: 'AiMarginCardinalityOverflow',
      uid: 'ai-margin-cardinality-overflow',
      value: cardinalityOverflow(WINDOWS['1h'], RULE_SCOPE),
      threshold: { op: '>', value: 0 },
      for: '0m',
      severity: 'warning',
      summary: `Cardinality cap reached for {{ $labels.${LABELS.metric} }}`,
      description: `{{ $value | printf "%.0f" }} events in the last hour were folded into the overflow series of {{ $labels.${LABELS.metric} }}; per-customer figures for new customers are incomplete.`,
      runbook: 'cardinality-overflow',
    },
    {
      name: 'AiMarginRejectedAmounts',
      uid: 'ai-margin-rejected-amounts',
      value: rejectedAmounts(WINDOWS['1h'], RULE_SCOPE),
      threshold: { op: '>', value: 0 },
      for: '0m',
      severity: 'warning',
      summary: `USD amounts rejected by the processor ({{ $labels.${LABELS.errorKind} }})`,
      description: `{{ $value | printf "%.0f" }} amounts of kind {{ $labels.${LABELS.errorKind} }} in the last hour were not counted: they were not finite numbers between 0 and 1e9 USD. Cost or revenue totals miss them.`,
      runbook: 'rejected-amounts',
    },
    {
      name: 'AiMarginReconciliationDrift',
      uid: 'ai-margin-reconciliation-drift',
      value: `abs(${reconciliationRatio()} - 1)`,
      threshold: { op: '>', value: c.reconciliationDriftTolerance },
      for: '0m',
      severity: 'warning',
      summary: `Provider-reported cost of {{ $labels.${LABELS.provider} }}/{{ $labels.${LABELS.model} }} differs from live pricing`,
      description: `Reported cost differs from provisional (live-priced) cost by {{ $value | humanizePercentage }} for {{ $labels.${LABELS.provider} }}/{{ $labels.${LABELS.model} }} on the latest reconciled day (tolerance ${pct(c.reconciliationDriftTolerance)}).`,
      runbook: 'reconciliation-drift',
    },
  ];
  return alerts.map((a) => ({ ...a, summary: `${a.summary}${where}` }));
}
