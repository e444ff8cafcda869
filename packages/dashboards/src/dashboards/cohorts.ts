import { LABELS } from '@ai-margin/conventions';
import {
  marginByInfoLabel,
  marginRatioByInfoLabel,
  RECORD,
  recorded,
  recordedByCustomer,
  scopeMatchers,
} from '../queries/catalog';
import {
  barsPanel,
  DASHBOARD_FILTERS as F,
  finalize,
  newDashboard,
  PERCENT,
  row,
  timeseriesPanel,
  UIDS,
  USD,
  W,
} from './common';

export function cohortsDashboard() {
  const cohort = `{{${LABELS.cohort}}}`;
  const age = `month {{${LABELS.ageMonth}}}`;
  // The recorded ratios are per environment and cluster: one line each (a ratio cannot be summed).
  const scope = ` {{${LABELS.environment}}} {{${LABELS.cluster}}}`;
  const b = newDashboard(
    UIDS.cohorts,
    'ai-margin / Cohorts',
    'Margin by signup cohort over time and by customer age month: does margin hold as customers mature?',
  )
    .withRow(row('Cohorts'))
    .withPanel(
      timeseriesPanel(
        'Margin % by cohort (trailing 30 days)',
        'At each point: margin / revenue of each signup cohort over the 30 days before that point. A cohort line that falls as it ages means usage grows faster than what those customers pay.',
        [
          {
            expr: recorded(RECORD.cohortMarginRatio('30d'), scopeMatchers(F)),
            legend: `${cohort}${scope}`,
          },
        ],
        PERCENT,
      ),
    )
    .withPanel(
      barsPanel(
        'Margin by cohort (time range)',
        'Contribution margin in USD of each signup cohort over the selected time range.',
        [
          {
            expr: marginByInfoLabel(
              LABELS.cohort,
              recordedByCustomer.margin(W, F),
              [],
              scopeMatchers(F),
            ),
            legend: cohort,
          },
        ],
        USD,
      ),
    )
    .withRow(row('Customer age'))
    .withPanel(
      timeseriesPanel(
        'Margin % by customer age month (trailing 30 days)',
        'Margin / revenue of customers grouped by how many months they have been customers, over the trailing 30 days. Compare month 1 with month 3: a drop from 65% to 35% means pricing does not follow mature usage.',
        [
          {
            expr: recorded(RECORD.ageMonthMarginRatio('30d'), scopeMatchers(F)),
            legend: `${age}${scope}`,
          },
        ],
        PERCENT,
      ),
    )
    .withPanel(
      barsPanel(
        'Margin % by customer age month (time range)',
        'Margin / revenue per customer age month over the selected time range (age as of now).',
        [
          {
            expr: marginRatioByInfoLabel(
              LABELS.ageMonth,
              recordedByCustomer.margin(W, F),
              recordedByCustomer.revenue(W, F),
              scopeMatchers(F),
            ),
            legend: age,
          },
        ],
        PERCENT,
      ),
    );
  return finalize(b);
}
