/**
 * @ai-margin/dashboards: the PromQL catalog and, built from it, recording rules, alert rules and
 * Grafana dashboards (the generated files ship under `generated/`); and the HTTP client that
 * runs catalog queries against a Prometheus-compatible API.
 */

export {
  type AlertConfig,
  type AlertDefinition,
  type AlertSource,
  alertDefinitions,
  DEFAULT_ALERT_CONFIG,
  prometheusExpr,
  type Threshold,
} from './alerts/definitions';
export {
  GRAFANA_ALERT_DATASOURCE_UID,
  GRAFANA_ALERT_FOLDER,
  grafanaAlertProvisioning,
  toGrafanaTemplate,
} from './alerts/grafana';
export { type PrometheusAlertRule, prometheusAlertGroup } from './alerts/prometheus';
export * from './client/index';
export { DATASOURCE, DS_VARIABLE, dashboards, SCHEMA_VERSION, UIDS, VARIABLES } from './dashboards';
export { generateFiles } from './generate';
export * from './queries';
export {
  BUSINESS_WINDOWS,
  COHORT_WINDOWS,
  CUSTOMER_WINDOWS,
  RECORD,
  type RecordingRule,
  type RuleGroup,
  recordingRuleGroups,
} from './rules/recording';
