import { LABELS } from '@ai-margin/conventions';
import {
  BAND_INDEX_LABEL,
  BAND_LABEL,
  marginBandCounts,
  priceBookAgeDays,
  DASHBOARD_RANGE as R,
  recordedByCustomer,
  recordedUsage,
  rejectedAmounts,
  sdkCoverage,
  top20CostShare,
  trailingHour,
  underwaterCount,
  unpricedRequests,
} from '../queries/catalog';
import { sumBy } from '../queries/promql';
import {
  categoryBarsPanel,
  DASHBOARD_FILTERS as F,
  finalize,
  newDashboard,
  PERCENT,
  row,
  statPanel,
  tablePanel,
  timeseriesPanel,
  UIDS,
  USD,
  W,
} from './common';

export function overviewDashboard() {
  const revenue = sumBy([], recordedByCustomer.revenue(W, F));
  const cost = sumBy([], recordedByCustomer.cost(W, F));
  const margin = sumBy([], recordedByCustomer.margin(W, F));
  const ratio = recordedByCustomer.marginRatio(W, F);
  const b = newDashboard(
    UIDS.overview,
    'ai-margin / Overview',
    'Revenue, cost to serve and contribution margin of the whole product over the selected time range.',
  )
    .withRow(row('Margin at a glance'))
    .withPanel(
      statPanel(
        'Revenue',
        'Usage revenue earned in the time range plus subscription MRR pro-rated to the range (MRR x range / 30 days).',
        revenue,
        USD,
      ),
    )
    .withPanel(
      statPanel(
        'Variable cost',
        'Provisional cost of LLM calls and rule-priced spans (vector DB, embeddings) in the time range, at the price in force when each call started.',
        cost,
        USD,
      ),
    )
    .withPanel(
      statPanel(
        'Contribution margin',
        'Revenue minus variable cost over the time range. Customers with cost and no revenue count with their full cost.',
        margin,
        USD,
      ),
    )
    .withPanel(
      statPanel(
        'Contribution margin %',
        'Margin as a share of revenue. Read with the distribution below: an average of 40-50% often hides light users at 70-80% and heavy users near or below zero.',
        `(${margin}) / ((${revenue}) > 0)`,
        PERCENT,
      ),
    )
    .withPanel(
      statPanel(
        'Customers under water',
        'Number of customers whose margin over the time range is negative (they cost more than they pay). See the Customers dashboard for who.',
        underwaterCount(recordedByCustomer.margin(W, F)),
        'none',
      ),
    )
    .withPanel(
      statPanel(
        'Top 20% customers share of cost',
        'Share of variable cost carried by the 20% most expensive customers. 60-80% is typical of usage-based AI products; higher means a few customers drive your bill.',
        top20CostShare(recordedByCustomer.cost(W, F)),
        PERCENT,
      ),
    )
    .withPanel(
      statPanel(
        'LLM share of variable cost',
        'Share of variable cost that comes from LLM calls (the rest from cost rules such as vector queries). Usually 70-90%: model choice dominates margin.',
        recordedUsage.llmShareOfCost(W, F),
        PERCENT,
      ),
    )
    .withPanel(
      statPanel(
        'Unpriced requests',
        'Share of LLM calls that could not be priced (unknown model, no price period). Their cost is missing from every figure here: keep this at 0.',
        recordedUsage.unpricedShare(W, F),
        PERCENT,
      ),
    )
    .withRow(row('Trends'))
    .withPanel(
      timeseriesPanel(
        'Revenue vs cost per trailing hour',
        'USD per trailing hour: at each point, the revenue (usage revenue plus MRR spread over 30 days) and the variable cost of the hour ending there, of every customer of the selected environments and clusters (the scope-total 1h rules). The gap is the contribution margin. Does not follow the customer, plan, cohort, feature, model or provider filters: the Customers dashboard has the per-customer trend.',
        [
          { expr: trailingHour.revenue(F), legend: 'revenue' },
          { expr: trailingHour.cost(F), legend: 'cost' },
        ],
        USD,
      ),
    )
    .withPanel(
      categoryBarsPanel(
        'Margin distribution (customers per margin band)',
        'Customers per margin-% band over the time range (customers without revenue have no margin % and are counted under water above). Two humps, light users high and heavy users low or negative, is the usual AI-product shape. Counted in the query, one bar per band: a band without customers has no bar.',
        marginBandCounts(ratio),
        BAND_LABEL,
        BAND_INDEX_LABEL,
        'none',
      ),
    )
    .withPanel(
      timeseriesPanel(
        'Cost per trailing hour by provider',
        'USD per trailing hour: at each point, the variable cost of the hour ending there, per provider, from the 1h model/feature recording rule. Follows the feature, model and provider filters (not customer, plan or cohort).',
        [
          {
            expr: trailingHour.costBy([LABELS.provider], F),
            legend: `{{${LABELS.provider}}}`,
          },
        ],
        USD,
        24,
      ),
    )
    .withPanel(
      tablePanel(
        'LLM SDKs the instrumentation met',
        'Every LLM SDK module loaded by the services, with its version and how ai-margin handled it: instrumented (tested version), untested (a version newer than the tested range whose methods were found and patched: check the figures) or unpatched (loaded, but nothing could be patched: its calls make no span, are in no figure here, and fire the unpriced-usage alert).',
        LABELS.sdk,
        'SDK',
        [{ expr: sdkCoverage(F), name: 'Services reporting', unit: 'none' }],
        { column: 'SDK', desc: false },
        12,
      ),
    )
    .withPanel(
      tablePanel(
        'Amounts the processor refused',
        'USD amounts not counted over the time range because they were not finite numbers between 0 and 1e9 (an external cost attribute, a price, a cost or revenue rule, a billing event), by kind. Cost or revenue totals miss them: keep this empty. The AiMarginRejectedAmounts alert fires on any.',
        LABELS.errorKind,
        'Kind',
        [{ expr: rejectedAmounts(R, F), name: 'Amounts', unit: 'none' }],
        { column: 'Amounts', desc: true },
        12,
      ),
    )
    .withPanel(
      tablePanel(
        'Unpriced calls by model',
        'Calls that could not be priced over the time range, by provider, model and reason, most calls first; their cost is missing from every figure here. unknown_model: the price book does not know the model: add it to a user price file (see docs/pricing-data.md) or refresh the book (ai-margin prices update, ai-margin prices import); a processor with reloadIntervalMs picks the file up without a restart. no_period: the model is known but has no price at the call time: add the period. missing_usage / invalid_usage: the span carried no usable token counts.',
        LABELS.model,
        'Model',
        [{ expr: unpricedRequests(R, F), name: 'Calls', unit: 'none' }],
        { column: 'Calls', desc: true },
        16,
      ),
    )
    .withPanel(
      tablePanel(
        'Price book in force',
        'Each price book version the processors run (a content hash of the shipped and user price files) and the age in days of its newest price (newest effectiveFrom not in the future). Old and unknown models in use fire AiMarginPriceBookStale; a version that does not change after a price file edit means the reload failed (ai_margin_price_book_reloads_total{result="failed"}).',
        LABELS.version,
        'Version',
        [{ expr: priceBookAgeDays(F), name: 'Newest price age (days)', unit: 'none' }],
        { column: 'Newest price age (days)', desc: true },
        8,
      ),
    );
  return finalize(b);
}
