import { LABELS } from '@ai-margin/conventions';
import {
  allocatedFixedCost,
  costByCustomer,
  costByFeature,
  costByModel,
  costRatePerHour,
  costToServeOf,
  marginOf,
  marginRatioOf,
  DASHBOARD_RANGE as R,
  requestsByCustomer,
  revenueByCustomer,
  tokensPerRequestByCustomer,
} from '../queries/catalog';
import {
  barsPanel,
  DASHBOARD_FILTERS as F,
  finalize,
  linkColumn,
  newDashboard,
  PERCENT,
  row,
  tablePanel,
  timeseriesPanel,
  UIDS,
  USD,
} from './common';

export function customersDashboard() {
  const revenue = revenueByCustomer(R, F);
  const cost = costByCustomer(R, F);
  const margin = marginOf(revenue, cost);
  const customersTable = tablePanel(
    'Customers by margin',
    'One row per customer over the time range, worst margin first. Margin = revenue - variable cost; negative margins are red. Cost to serve adds fixed costs allocated by driver share. Click a customer to drill down.',
    LABELS.customer,
    'Customer',
    [
      { expr: margin, name: 'Margin', unit: USD, signColours: true },
      { expr: marginRatioOf(margin, revenue), name: 'Margin %', unit: PERCENT, signColours: true },
      { expr: revenue, name: 'Revenue', unit: USD },
      { expr: cost, name: 'Variable cost', unit: USD },
      {
        expr: costToServeOf(cost, allocatedFixedCost(R, F)),
        name: 'Cost to serve',
        unit: USD,
      },
      { expr: requestsByCustomer(R, F), name: 'Requests', unit: 'none' },
      { expr: tokensPerRequestByCustomer(R, F), name: 'Tokens / request', unit: 'none' },
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
        [{ expr: costByModel(R, F), legend: `{{${LABELS.provider}}} {{${LABELS.model}}}` }],
        USD,
      ),
    )
    .withPanel(
      barsPanel(
        'Cost by feature',
        'Variable cost of the selected customers over the time range, per product feature.',
        [{ expr: costByFeature(R, F), legend: `{{${LABELS.feature}}}` }],
        USD,
      ),
    )
    .withPanel(
      timeseriesPanel(
        'Cost per hour by customer',
        'Hourly variable cost of the selected customers. Spikes here are what the cost-spike alert fires on.',
        [
          {
            expr: costRatePerHour([LABELS.customer], '$__rate_interval', F),
            legend: `{{${LABELS.customer}}}`,
          },
        ],
        USD,
      ),
    )
    .withPanel(
      barsPanel(
        'Tokens per request',
        'Average tokens (all buckets) per request of the selected customers: the context-window factor. Long contexts cost more than request counts suggest.',
        [{ expr: tokensPerRequestByCustomer(R, F), legend: `{{${LABELS.customer}}}` }],
        'none',
      ),
    );
  return finalize(b);
}
