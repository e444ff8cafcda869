import {
  type AlertConfig,
  alertDefinitions,
  DEFAULT_ALERT_CONFIG,
  prometheusExpr,
} from './definitions';

/** A Prometheus alerting rule as it appears in a rule file. */
export interface PrometheusAlertRule {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** The alert rule group of the Prometheus (and vmalert) rule file. */
export function prometheusAlertGroup(config: Partial<AlertConfig> = {}): {
  name: string;
  interval: string;
  rules: PrometheusAlertRule[];
} {
  const defs = alertDefinitions(config);
  const runbookBaseUrl = config.runbookBaseUrl ?? DEFAULT_ALERT_CONFIG.runbookBaseUrl;
  return {
    name: 'ai_margin_alerts',
    interval: '1m',
    rules: defs.map((a) => ({
      alert: a.name,
      expr: prometheusExpr(a),
      for: a.for,
      labels: { severity: a.severity, team: 'ai-margin' },
      annotations: {
        summary: a.summary,
        description: a.description,
        runbook_url: `${runbookBaseUrl}#${a.runbook}`,
      },
    })),
  };
}
