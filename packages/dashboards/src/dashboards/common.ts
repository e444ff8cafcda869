/**
 * Shared pieces of the dashboards: the datasource placeholder, template variables, panel
 * helpers on top of @grafana/grafana-foundation-sdk, and the final pass that makes the JSON
 * importable by UI (`__inputs`) and by file provisioning (datasource variable).
 */
import { LABELS, METRICS } from '@ai-margin/conventions';
import * as barchart from '@grafana/grafana-foundation-sdk/barchart';
import * as bargauge from '@grafana/grafana-foundation-sdk/bargauge';
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import { TableSortByFieldStateBuilder } from '@grafana/grafana-foundation-sdk/common';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import {
  CustomVariableBuilder,
  DashboardBuilder,
  DatasourceVariableBuilder,
  QueryVariableBuilder,
  RowBuilder,
  VariableRefresh,
  VariableSort,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder, PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import {
  type Filters,
  FLEET,
  RECORDED_WINDOWS,
  type RecordedWindow,
  WINDOW_VARIABLE,
} from '../queries/catalog';

/** Name of the datasource variable and of the `__inputs` entry. */
export const DS_VARIABLE = 'DS_PROMETHEUS';
/** Every panel, target and query variable points at this. */
export const DATASOURCE = { type: 'prometheus', uid: `\${${DS_VARIABLE}}` } as const;
/** Grafana 10.4 writes schemaVersion 39; 11.x and 12.x migrate it forward on load. */
export const SCHEMA_VERSION = 39;

/** Dashboard uids, for cross-links. */
export const UIDS = {
  overview: 'ai-margin-overview',
  customers: 'ai-margin-customers',
  modelsFeatures: 'ai-margin-models-features',
  cohorts: 'ai-margin-cohorts',
  reconciliation: 'ai-margin-reconciliation',
} as const;

/**
 * Fleet variables: where the series come from. Their values are read from the price-book info
 * gauge, one series per process, so the lookup stays cheap at any number of customers.
 */
export const FLEET_VARIABLES = {
  environment: {
    name: 'environment',
    label: 'Environment',
    metric: METRICS.priceBookInfo,
    labelName: FLEET.selector.environment,
  },
  cluster: {
    name: 'cluster',
    label: 'Cluster',
    metric: METRICS.priceBookInfo,
    labelName: FLEET.selector.cluster,
  },
  job: {
    name: 'job',
    label: 'Service',
    metric: METRICS.priceBookInfo,
    labelName: FLEET.selector.job,
  },
} as const;

/** Template variable names: each filters one label. */
export const VARIABLES = {
  customer: {
    name: 'customer',
    label: 'Customer',
    metric: METRICS.cost,
    labelName: LABELS.customer,
  },
  feature: { name: 'feature', label: 'Feature', metric: METRICS.cost, labelName: LABELS.feature },
  model: { name: 'model', label: 'Model', metric: METRICS.cost, labelName: LABELS.model },
  provider: {
    name: 'provider',
    label: 'Provider',
    metric: METRICS.cost,
    labelName: LABELS.provider,
  },
  plan: { name: 'plan', label: 'Plan', metric: METRICS.customerInfo, labelName: LABELS.plan },
  cohort: {
    name: 'cohort',
    label: 'Cohort',
    metric: METRICS.customerInfo,
    labelName: LABELS.cohort,
  },
} as const;

/** The filters of a dashboard without fleet variables (reconciliation: one provider account). */
export const ACCOUNT_FILTERS: Filters = {
  customer: '$customer',
  feature: '$feature',
  model: '$model',
  provider: '$provider',
  plan: '$plan',
  cohort: '$cohort',
};

/** The fleet variables as filters (job filters raw-reading panels only; see Filters.job). */
export const FLEET_FILTERS: Filters = {
  environment: '$environment',
  cluster: '$cluster',
  job: '$job',
};

/** Filters that read every dashboard variable. */
export const DASHBOARD_FILTERS: Filters = { ...FLEET_FILTERS, ...ACCOUNT_FILTERS };

/** The recorded window table and stat panels read (`$window`, default 30d). */
export const W: RecordedWindow = `$${WINDOW_VARIABLE}`;
/** Default of the window variable. */
export const DEFAULT_WINDOW = '30d';
/** Rows of the per-customer table (the worst customers by margin). */
export const TABLE_ROWS = 200;

export const USD = 'currencyUSD';
export const PERCENT = 'percentunit';

/**
 * A dashboard with the data source, window, fleet (unless `fleet` is false) and filter variables.
 */
export function newDashboard(
  uid: string,
  title: string,
  description: string,
  fleet = true,
): DashboardBuilder {
  const builder = new DashboardBuilder(title)
    .uid(uid)
    .description(description)
    .tags(['ai-margin', 'genai', 'cost'])
    .time({ from: 'now-30d', to: 'now' })
    .refresh('5m')
    .timezone('utc')
    .withVariable(
      new DatasourceVariableBuilder(DS_VARIABLE).label('Data source').type('prometheus'),
    )
    .withVariable(
      new CustomVariableBuilder(WINDOW_VARIABLE)
        .label('Window')
        .description(
          'Window of the table and stat panels, ending at the end of the time range: the recording rules compute these windows once (1h and 1d every minute, 7d and 30d every 4 minutes), so the panels answer in well under a second at 10,000 customers. Time series panels follow the time range.',
        )
        .values(RECORDED_WINDOWS.join(','))
        .current({ selected: true, text: DEFAULT_WINDOW, value: DEFAULT_WINDOW })
        .options(
          RECORDED_WINDOWS.map((w) => ({ selected: w === DEFAULT_WINDOW, text: w, value: w })),
        ),
    );
  const variables = fleet
    ? [...Object.values(FLEET_VARIABLES), ...Object.values(VARIABLES)]
    : Object.values(VARIABLES);
  for (const v of variables) {
    const query = `label_values(${v.metric.promName}, ${v.labelName})`;
    builder.withVariable(
      new QueryVariableBuilder(v.name)
        .label(v.label)
        .datasource(DATASOURCE)
        .query(query)
        .definition(query)
        .refresh(VariableRefresh.OnTimeRangeChanged)
        .sort(VariableSort.AlphabeticalAsc)
        .multi(true)
        .includeAll(true)
        .allValue('.*')
        .current({ selected: true, text: ['All'], value: ['$__all'] }),
    );
  }
  return builder;
}

export function row(title: string): RowBuilder {
  return new RowBuilder(title);
}

export interface Target {
  expr: string;
  legend?: string;
}

function target(t: Target, instant: boolean, asTable = false): DataqueryBuilder {
  const q = new DataqueryBuilder().expr(t.expr).datasource(DATASOURCE);
  if (t.legend !== undefined) q.legendFormat(t.legend);
  if (instant) q.instant();
  else q.range();
  if (asTable) q.format(PromQueryFormat.Table);
  return q;
}

/** A single number over the dashboard's time range. */
export function statPanel(
  title: string,
  description: string,
  expr: string,
  unit: string,
  width = 6,
): stat.PanelBuilder {
  return new stat.PanelBuilder()
    .title(title)
    .description(description)
    .datasource(DATASOURCE)
    .unit(unit)
    .span(width)
    .height(5)
    .withTarget(target({ expr }, true));
}

/** A time series panel (range queries). */
export function timeseriesPanel(
  title: string,
  description: string,
  targets: Target[],
  unit: string,
  width = 12,
): timeseries.PanelBuilder {
  const p = new timeseries.PanelBuilder()
    .title(title)
    .description(description)
    .datasource(DATASOURCE)
    .unit(unit)
    .span(width)
    .height(9);
  for (const t of targets) p.withTarget(target(t, false));
  return p;
}

/** Horizontal bars, one per series of one instant query (e.g. cost per model). */
export function barsPanel(
  title: string,
  description: string,
  targets: Target[],
  unit: string,
  width = 12,
): bargauge.PanelBuilder {
  const p = new bargauge.PanelBuilder()
    .title(title)
    .description(description)
    .datasource(DATASOURCE)
    .unit(unit)
    .span(width)
    .height(9);
  for (const t of targets) p.withTarget(target(t, true));
  return p;
}

/**
 * Bars of a categorical count, one bar per row of one instant query (e.g. customers per margin
 * band): the query's series become table rows (`format: table`), sorted on `sortLabel` (the
 * backend returns series in no set order), and `category` labels the bars.
 */
export function categoryBarsPanel(
  title: string,
  description: string,
  expr: string,
  category: string,
  sortLabel: string,
  unit: string,
  width = 12,
): barchart.PanelBuilder {
  return new barchart.PanelBuilder()
    .title(title)
    .description(description)
    .datasource(DATASOURCE)
    .unit(unit)
    .span(width)
    .height(9)
    .xField(category)
    .withTarget(target({ expr }, true, true))
    .withTransformation({ id: 'sortBy', options: { sort: [{ field: sortLabel, desc: false }] } })
    .withTransformation({
      id: 'organize',
      options: {
        excludeByName: { Time: true, [sortLabel]: true },
        indexByName: {},
        renameByName: {},
      },
    });
}

export interface Column {
  /** Instant query with one series per row, keyed by the table's key label. */
  expr: string;
  /** Column header. */
  name: string;
  unit: string;
  /** Colour negative values red, non-negative green. */
  signColours?: boolean;
}

/**
 * A table with one row per key (customer, model, ...) and one column per instant query,
 * merged on the key label.
 */
export function tablePanel(
  title: string,
  description: string,
  keyLabel: string,
  keyHeader: string,
  columns: Column[],
  sortBy: { column: string; desc: boolean },
  width = 24,
): table.PanelBuilder {
  const p = new table.PanelBuilder()
    .title(title)
    .description(description)
    .datasource(DATASOURCE)
    .span(width)
    .height(10);
  const renameByName: Record<string, string> = { [keyLabel]: keyHeader };
  const refIds = columns.map((_, i) => String.fromCharCode(65 + i));
  columns.forEach((c, i) => {
    p.withTarget(target({ expr: c.expr }, true, true).refId(refIds[i]!));
    renameByName[`Value #${refIds[i]}`] = c.name;
    const props: dashboard.DynamicConfigValue[] = [{ id: 'unit', value: c.unit }];
    if (c.signColours) {
      props.push(
        { id: 'custom.cellOptions', value: { type: 'color-text' } },
        {
          id: 'thresholds',
          value: {
            mode: 'absolute',
            steps: [
              { color: 'red', value: null },
              { color: 'green', value: 0 },
            ],
          },
        },
      );
    }
    p.overrideByName(c.name, props);
  });
  p.withTransformation({ id: 'merge', options: {} });
  p.withTransformation({
    id: 'organize',
    options: { excludeByName: { Time: true }, renameByName, indexByName: {} },
  });
  p.sortBy([new TableSortByFieldStateBuilder().displayName(sortBy.column).desc(sortBy.desc)]);
  return p;
}

/** A data link on a table column to another dashboard, carrying the time range and the value. */
export function linkColumn(
  p: table.PanelBuilder,
  column: string,
  title: string,
  uid: string,
  variable: string,
): void {
  p.overrideByName(column, [
    {
      id: 'links',
      value: [
        {
          title,
          url: `/d/${uid}/${uid}?var-${variable}=\${__value.raw}&\${__url_time_range}&var-${DS_VARIABLE}=\${${DS_VARIABLE}}`,
        },
      ],
    },
  ]);
}

type Json = Record<string, unknown>;

/**
 * Final pass over the SDK output: stable panel ids and refIds, datasource on every target,
 * schemaVersion, annotations list, and `__inputs` / `__requires` for UI import.
 */
export function finalize(builder: cog.Builder<dashboard.Dashboard>): Json {
  const d = builder.build() as unknown as Json;
  let nextId = 1;
  const visit = (panels: Json[]) => {
    for (const panel of panels) {
      panel.id = nextId++;
      const targets = (panel.targets as Json[] | undefined) ?? [];
      targets.forEach((t, i) => {
        if (t.refId === undefined) t.refId = String.fromCharCode(65 + i);
        t.datasource = { ...DATASOURCE };
      });
      if (Array.isArray(panel.panels)) visit(panel.panels as Json[]);
    }
  };
  visit((d.panels as Json[]) ?? []);
  return {
    __inputs: [
      {
        name: DS_VARIABLE,
        label: 'Prometheus',
        description: 'Prometheus-compatible datasource holding the ai_margin_* metrics',
        type: 'datasource',
        pluginId: 'prometheus',
        pluginName: 'Prometheus',
      },
    ],
    __requires: [
      { type: 'grafana', id: 'grafana', name: 'Grafana', version: '10.4.0' },
      { type: 'datasource', id: 'prometheus', name: 'Prometheus', version: '1.0.0' },
    ],
    ...d,
    id: null,
    schemaVersion: SCHEMA_VERSION,
    version: 1,
    annotations: {
      list: [
        {
          builtIn: 1,
          datasource: { type: 'grafana', uid: '-- Grafana --' },
          enable: true,
          hide: true,
          iconColor: 'rgba(0, 211, 255, 1)',
          name: 'Annotations & Alerts',
          type: 'dashboard',
        },
      ],
    },
    links: [
      {
        title: 'ai-margin',
        type: 'dashboards',
        tags: ['ai-margin'],
        asDropdown: true,
        includeVars: true,
        keepTime: true,
      },
    ],
  };
}
