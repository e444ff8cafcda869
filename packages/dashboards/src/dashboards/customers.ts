import { LABELS } from '@ai-margin/conventions';
import {
  recordedByCustomer,
  topSeries,
  trailingHour,
  worstCustomers,
  worstCustomersMarginRatio,
} from '../queries/catalog';
import {
  barsPanel,
  DASHBOARD_FILTERS as F,
  finalize,
  linkColumn,
  newDashboard,
  PERCENT,
  row,
  TABLE_ROWS,
  tablePanel,
  timeseriesPanel,
  UIDS,
  USD,
  W,
} from './common';

/** Bars of the Tokens per request panel: the customers with the most tokens per request. */
const TOKEN_BARS = 20;

export function customersDashboard() {
  const margin = recordedByCustomer.margin(W, F);
  const rows = (expr: string) => worstCustomers(expr, margin, TABLE_ROWS);
  const customersTable = tablePanel(
    'Customers by margin',
    `The ${TABLE_ROWS} customers with the worst margin over the window (pick customers with the Customer variable to see others), worst first.` +
      '  Margin = revenue - variable cost; negative margins are red. Cost to serve adds fixed costs allocated by driver share. Click a customer to drill down.',
    LABELS.customer,
    'Customer',
    [
      { expr: rows(margin), name: 'Margin', unit: USD, signColours: true },
      {
        expr: worstCustomersMarginRatio(margin, recordedByCustomer.revenue(W, F), TABLE_ROWS),
        name: 'Margin %',
        unit: PERCENT,
        signColours: true,
      },
      { expr: rows(recordedByCustomer.revenue(W, F)), name: 'Revenue', unit: USD },
      { expr: rows(recordedByCustomer.cost(W, F)), name: 'Variable cost', unit: USD },
      { expr: rows(recordedByCustomer.costToServe(W, F)), name: 'Cost to serve', unit: USD },
      { expr: rows(recordedByCustomer.requests(W, F)), name: 'Requests', unit: 'none' },
      {
        expr: rows(recordedByCustomer.tokensPerRequest(W, F)),
        name: 'Tokens / request',
        unit: 'none',
      },
    ],
    { column: 'Margin', desc: false },
  );
  linkColumn(
    customersTable,
    'Customer',
    'Drill down into this customer',
    UIDS.customers,
    'customer',
  );
  const b = newDashboard(
    UIDS.customers,
    'ai-margin / Customers',
    'Per-customer revenue, cost to serve and margin; pick customers with the Customer variable to drill down.',
  )
    .withRow(row('All customers'))
    .withPanel(customersTable)
    .withRow(row('Drill-down (selected customers)'))
    .withPanel(
      barsPanel(
        'Cost by model',
        'Variable cost of the selected customers over the time range, per provider and model. A customer whose cost sits in the expensive model is a routing candidate.',
        [
          {
            expr: recordedByCustomer.costByModel(W, F),
            legend: `{{${LABELS.provider}}} {{${LABELS.model}}}`,
          },
        ],
        USD,
      ),
    )
    .withPanel(
      barsPanel(
        'Cost by feature',
        'Variable cost of the selected customers over the time range, per product feature.',
        [{ expr: recordedByCustomer.costByFeature(W, F), legend: `{{${LABELS.feature}}}` }],
        USD,
      ),
    )
    .withPanel(
      timeseriesPanel(
        'Cost per trailing hour by customer',
        'USD per trailing hour: at each point, the variable cost of the hour ending there for the 10 most expensive customers of each environment at that point (the top-cost rule), those matching the customer, plan and cohort filters. A selected customer outside the top 10 is not plotted: use Customers by margin for them.',
        [
          {
            expr: trailingHour.topCostByCustomer(F),
            legend: `{{${LABELS.customer}}}`,
          },
        ],
        USD,
      ),
    )
    .withPanel(
      barsPanel(
        'Tokens per request',
        `Average tokens (all buckets) per request over the window of the ${TOKEN_BARS} selected customers with the most tokens per request: the context-window factor. Long contexts cost more than request counts suggest. Pick customers with the Customer variable to see others.`,
        [
          {
            expr: topSeries(TOKEN_BARS, recordedByCustomer.tokensPerRequest(W, F)),
            legend: `{{${LABELS.customer}}}`,
          },
        ],
        'none',
      ),
    );
  return finalize(b);
}
