import { LABELS } from '@ai-margin/conventions';
import {
  costCorrectionByCustomer,
  provisionalDaily,
  DASHBOARD_RANGE as R,
  reconciledDaily,
  reconciliationRatio,
} from '../queries/catalog';
import { sumBy } from '../queries/promql';
import {
  ACCOUNT_FILTERS,
  barsPanel,
  finalize,
  newDashboard,
  PERCENT,
  row,
  timeseriesPanel,
  UIDS,
  USD,
} from './common';

export function reconciliationDashboard() {
  const prov = `{{${LABELS.provider}}}`;
  // A provider's cost report covers the whole account, every environment: no fleet variables.
  const F = ACCOUNT_FILTERS;
  const b = newDashboard(
    UIDS.reconciliation,
    'ai-margin / Reconciliation',
    'Provisional (live-priced) cost against the cost providers report, per UTC day.',
    false,
  )
    .withRow(row('Provisional vs reconciled'))
    .withPanel(
      timeseriesPanel(
        'Daily cost: provisional vs reported, by provider',
        'Per UTC day: cost computed live from the price book (provisional) and cost in the provider cost report (reconciled). Daily points are written with the day timestamp, so lines step once a day.',
        [
          {
            expr: sumBy([LABELS.provider], provisionalDaily('1d', F)),
            legend: `${prov} provisional`,
          },
          { expr: sumBy([LABELS.provider], reconciledDaily('1d', F)), legend: `${prov} reported` },
        ],
        USD,
      ),
    )
    .withPanel(
      timeseriesPanel(
        'Drift: reported / provisional - 1',
        'Relative difference between reported and provisional cost per provider and model. Within a few percent is normal (rounding, late usage); a steady offset means a wrong or outdated price.',
        [{ expr: `${reconciliationRatio('1d')} - 1`, legend: `${prov} {{${LABELS.model}}}` }],
        PERCENT,
      ),
    )
    .withPanel(
      barsPanel(
        'Correction by customer (time range)',
        'Sum of daily corrections (reported - provisional) spread over customers pro rata to their provisional cost. Positive means the live figures understated their cost.',
        [{ expr: costCorrectionByCustomer(R, F), legend: `{{${LABELS.customer}}}` }],
        USD,
        24,
      ),
    );
  return finalize(b);
}
