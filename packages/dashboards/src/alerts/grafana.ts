/**
 * Grafana-managed alert rules as a provisioning file (`provisioning/alerting/*.yaml`), from the
 * same definitions as the Prometheus rule file: query A (the value) -> B reduce(last) -> C
 * threshold. Queries are computed from raw series (`raw` source), so Grafana-managed alerts
 * work without the recording rules. Templates avoid `$` because Grafana expands environment variables in provisioning
 * files: `{{ $labels.x }}` becomes `{{ .Labels.x }}` and `{{ $value }}` becomes
 * `{{ .Values.B.Value }}`.
 */
import {
  type AlertConfig,
  type AlertDefinition,
  alertDefinitions,
  DEFAULT_ALERT_CONFIG,
} from './definitions';

/** Datasource uid the provisioned rules query; provision your Prometheus datasource with it. */
export const GRAFANA_ALERT_DATASOURCE_UID = 'ai-margin-prometheus';

/** Folder the provisioned rules appear in. */
export const GRAFANA_ALERT_FOLDER = 'ai-margin';

export function toGrafanaTemplate(text: string): string {
  return text.replace(/\$labels\./g, '.Labels.').replace(/\$value\b/g, '.Values.B.Value');
}

function evaluator(a: AlertDefinition): { type: string; params: number[] } {
  const t = a.threshold;
  if ('within' in t) return { type: 'within_range', params: [t.within[0], t.within[1]] };
  return { type: t.op === '>' ? 'gt' : 'lt', params: [t.value] };
}

const EXPR_DS = { type: '__expr__', uid: '__expr__' };

function grafanaRule(a: AlertDefinition, runbookBaseUrl: string, datasourceUid: string) {
  return {
    uid: a.uid,
    title: a.name,
    condition: 'C',
    data: [
      {
        refId: 'A',
        relativeTimeRange: { from: 600, to: 0 },
        datasourceUid,
        model: {
          refId: 'A',
          expr: a.value,
          instant: true,
          intervalMs: 60000,
          maxDataPoints: 43200,
        },
      },
      {
        refId: 'B',
        relativeTimeRange: { from: 0, to: 0 },
        datasourceUid: '__expr__',
        model: {
          refId: 'B',
          type: 'reduce',
          expression: 'A',
          reducer: 'last',
          settings: { mode: 'dropNN' },
          datasource: EXPR_DS,
        },
      },
      {
        refId: 'C',
        relativeTimeRange: { from: 0, to: 0 },
        datasourceUid: '__expr__',
        model: {
          refId: 'C',
          type: 'threshold',
          expression: 'B',
          conditions: [{ evaluator: evaluator(a) }],
          datasource: EXPR_DS,
        },
      },
    ],
    noDataState: 'OK',
    execErrState: 'Error',
    for: a.for,
    annotations: {
      summary: toGrafanaTemplate(a.summary),
      description: toGrafanaTemplate(a.description),
      runbook_url: `${runbookBaseUrl}#${a.runbook}`,
    },
    labels: { severity: a.severity, team: 'ai-margin' },
    isPaused: false,
  };
}

/** The provisioning document (serialise as YAML). */
export function grafanaAlertProvisioning(
  config: Partial<AlertConfig> = {},
  datasourceUid = GRAFANA_ALERT_DATASOURCE_UID,
) {
  const runbookBaseUrl = config.runbookBaseUrl ?? DEFAULT_ALERT_CONFIG.runbookBaseUrl;
  return {
    apiVersion: 1,
    groups: [
      {
        orgId: 1,
        name: 'ai-margin',
        folder: GRAFANA_ALERT_FOLDER,
        interval: '1m',
        rules: alertDefinitions(config, 'raw').map((a) =>
          grafanaRule(a, runbookBaseUrl, datasourceUid),
        ),
      },
    ],
  };
}
