/**
 * The PromQL of each part of the report, from raw counters or from the recording rules. Both sets
 * come from the dashboards' catalog; the rules set reads what the dashboards' table and stat panels
 * read, so the report and the dashboards agree.
 */
import {
  allocatedFixedCost,
  costByCustomer,
  costByFeature,
  costByModel,
  costToServeOf,
  effectivePricePerMTokens,
  type Filters,
  marginOf,
  type RecordedWindow,
  recordedByCustomer,
  recordedUsage,
  requestsByFeature,
  revenueByCustomer,
  top20CostShare,
  type Window,
} from '@ai-margin/dashboards';

/** One instant query per part of the report. */
export interface ReportQueries {
  revenue: string;
  cost: string;
  costToServe: string;
  margin: string;
  models: string;
  modelPrice: string;
  features: string;
  uses: string;
  top20: string;
}

/** Every sample of the window's raw counters: any window, any filter, no rules needed. */
export function rawQueries(window: Window, f: Filters): ReportQueries {
  const revenue = revenueByCustomer(window, f);
  const cost = costByCustomer(window, f);
  return {
    revenue,
    cost,
    costToServe: costToServeOf(cost, allocatedFixedCost(window, f)),
    margin: marginOf(revenue, cost),
    models: costByModel(window, f),
    modelPrice: effectivePricePerMTokens(window, f),
    features: costByFeature(window, f),
    uses: requestsByFeature(window, f),
    top20: top20CostShare(cost),
  };
}

/**
 * The recording rules' latest values for a recorded window. Filters: environment and cluster
 * only (the rules keep no job label, and the model/feature rollups no customer).
 */
export function recordedQueries(w: RecordedWindow, f: Filters): ReportQueries {
  const scope: Filters = { environment: f.environment, cluster: f.cluster };
  return {
    revenue: recordedByCustomer.revenue(w, scope),
    cost: recordedByCustomer.cost(w, scope),
    costToServe: recordedByCustomer.costToServe(w, scope),
    margin: recordedByCustomer.margin(w, scope),
    models: recordedUsage.costByModel(w, scope),
    modelPrice: recordedUsage.effectivePricePerMTokens(w, scope),
    features: recordedUsage.costByFeature(w, scope),
    uses: recordedUsage.requestsByFeature(w, scope),
    top20: top20CostShare(recordedByCustomer.cost(w, scope)),
  };
}
