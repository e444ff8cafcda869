import { LABELS } from '@ai-margin/conventions';
import { recordedUsage, trailingHour } from '../queries/catalog';
import {
  barsPanel,
  DASHBOARD_FILTERS as F,
  finalize,
  newDashboard,
  PERCENT,
  row,
  tablePanel,
  timeseriesPanel,
  UIDS,
  USD,
  W,
} from './common';

export function modelsFeaturesDashboard() {
  const pm = `{{${LABELS.provider}}} {{${LABELS.model}}}`;
  const b = newDashboard(
    UIDS.modelsFeatures,
    'ai-margin / Models & Features',
    'Which models and which product features drive cost, and what each use costs.',
  )
    .withRow(row('Models'))
    .withPanel(
      barsPanel(
        'Cost by model',
        'Variable cost per provider and model over the time range. Model choice usually dominates AI cost: a cheaper model for the biggest bar moves margin most.',
        [{ expr: recordedUsage.costByModel(W, F), legend: pm }],
        USD,
        8,
      ),
    )
    .withPanel(
      barsPanel(
        'Effective price per 1M tokens',
        'Cost divided by tokens (all buckets) per model, in USD per million tokens. Lower than the list price when cache reads are common; higher with long-context tiers.',
        [{ expr: recordedUsage.effectivePricePerMTokens(W, F), legend: pm }],
        USD,
        8,
      ),
    )
    .withPanel(
      barsPanel(
        'Prompt cache hit share',
        'Share of input-side tokens read from the prompt cache per model. Cache reads are billed at a fraction of the input price.',
        [{ expr: recordedUsage.cacheHitShare(W, F), legend: pm }],
        PERCENT,
        8,
      ),
    )
    .withPanel(
      timeseriesPanel(
        'Cost per trailing hour by model',
        'USD per trailing hour: at each point, the variable cost of the hour ending there, per provider and model, from the 1h model/feature recording rule. Follows the feature, model and provider filters (not customer, plan or cohort).',
        [
          {
            expr: trailingHour.costBy([LABELS.provider, LABELS.model], F),
            legend: pm,
          },
        ],
        USD,
      ),
    )
    .withPanel(
      barsPanel(
        'Tokens by model and bucket',
        'Tokens per model split into non-overlapping buckets (input, cache_read, cache_write_5m, cache_write_1h, output, reasoning) over the time range.',
        [
          {
            expr: recordedUsage.tokensByModelAndType(W, F),
            legend: `${pm} {{${LABELS.tokenType}}}`,
          },
        ],
        'none',
      ),
    )
    .withRow(row('Features'))
    .withPanel(
      tablePanel(
        'Features: cost, uses, cost per use',
        'One row per product feature over the time range: cost, number of uses (requests), cost per use, and the feature share of cost vs its share of uses. A feature whose cost share far exceeds its usage share is where optimisation or pricing pays off.',
        LABELS.feature,
        'Feature',
        [
          { expr: recordedUsage.costByFeature(W, F), name: 'Cost', unit: USD },
          { expr: recordedUsage.requestsByFeature(W, F), name: 'Uses', unit: 'none' },
          { expr: recordedUsage.costPerUseByFeature(W, F), name: 'Cost per use', unit: USD },
          { expr: recordedUsage.featureCostShare(W, F), name: 'Share of cost', unit: PERCENT },
          { expr: recordedUsage.featureRequestShare(W, F), name: 'Share of uses', unit: PERCENT },
        ],
        { column: 'Cost', desc: true },
      ),
    )
    .withPanel(
      timeseriesPanel(
        'Cost per trailing hour by feature',
        'USD per trailing hour: at each point, the variable cost of the hour ending there, per product feature, from the 1h model/feature recording rule. Follows the feature, model and provider filters (not customer, plan or cohort).',
        [
          {
            expr: trailingHour.costBy([LABELS.feature], F),
            legend: `{{${LABELS.feature}}}`,
          },
        ],
        USD,
        24,
      ),
    );
  return finalize(b);
}
