export type { InstantSample, RangeSeries } from './api-response';
export {
  DEFAULT_QUERY_TIMEOUT_MS,
  type PrometheusClient,
  type PrometheusClientOptions,
  prometheusClient,
} from './prometheus-client';
export { PrometheusQueryError, type QueryFailure, type QueryFailureKind } from './query-error';
