/**
 * Every panel query and every rule expression parses with the real PromQL grammar
 * (@prometheus-io/lezer-promql), uses only catalog metrics (or our recording rules) and catalog
 * labels, every `$variable` is defined, and every datasource reference is the placeholder.
 * Reads the committed generated files, i.e. what users import.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LABELS, METRICS } from '@ai-margin/conventions';
import { parser } from '@prometheus-io/lezer-promql';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BAND_INDEX_LABEL, BAND_LABEL, VARIABLE_TEST_LABEL } from '../src/queries/catalog';

const GENERATED = join(__dirname, '..', 'generated');
const CATALOG_METRICS = new Set(Object.values(METRICS).map((m) => m.promName));
const KNOWN_LABELS = new Set<string>([
  ...Object.values(LABELS),
  BAND_LABEL,
  BAND_INDEX_LABEL,
  VARIABLE_TEST_LABEL,
]);
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's datasource placeholder, not a JS template
const PLACEHOLDER = { type: 'prometheus', uid: '${DS_PROMETHEUS}' };
/** Grafana's own variables that may appear in queries and links. */
const BUILTINS = new Set([
  '__rate_interval',
  '__range',
  '__range_s',
  '__interval',
  '__value',
  '__url_time_range',
]);

type Json = Record<string, unknown>;

const recordingRules = parse(
  readFileSync(join(GENERATED, 'rules/ai-margin-recording.yml'), 'utf8'),
) as {
  groups: { rules: { record: string; expr: string }[] }[];
};
const RECORDED = new Set(recordingRules.groups.flatMap((g) => g.rules.map((r) => r.record)));
const alertRules = parse(readFileSync(join(GENERATED, 'rules/ai-margin-alerts.yml'), 'utf8')) as {
  groups: { rules: { alert: string; expr: string }[] }[];
};
const grafanaAlerts = parse(
  readFileSync(join(GENERATED, 'grafana-alerting/ai-margin-alerts.yml'), 'utf8'),
) as {
  groups: {
    rules: {
      title: string;
      data: { datasourceUid: string; model: { expr?: string; type?: string } }[];
    }[];
  }[];
};

/** Replaces Grafana variables with valid PromQL stand-ins. */
function substitute(expr: string): string {
  return expr
    .replace(/\$__rate_interval/g, '5m')
    .replace(/\$__range_s/g, '3600')
    .replace(/\$__range/g, '1h')
    .replace(/\$__interval/g, '1m')
    .replace(/\$\{?window\}?/g, '1h') // the recorded window (part of a rule name)
    .replace(/\$\{?(\w+)\}?/g, '.*');
}

interface Parsed {
  errors: string[];
  metrics: string[];
  labels: string[];
}

function parsePromQL(expr: string): Parsed {
  const text = substitute(expr);
  const out: Parsed = { errors: [], metrics: [], labels: [] };
  parser.parse(text).iterate({
    enter(node) {
      if (node.type.isError)
        out.errors.push(
          `syntax error at ${node.from}: ...${text.slice(Math.max(0, node.from - 30), node.from + 30)}...`,
        );
      if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector')
        out.metrics.push(text.slice(node.from, node.to));
      if (node.name === 'LabelName') out.labels.push(text.slice(node.from, node.to));
    },
  });
  return out;
}

function expectValidQuery(where: string, expr: string): void {
  // VictoriaMetrics rejects queries over -search.maxQueryLen (16 KiB by default).
  expect(substitute(expr).length, `${where} is too long`).toBeLessThan(16_384);
  const p = parsePromQL(expr);
  expect(p.errors, `${where}: ${expr}`).toEqual([]);
  expect(p.metrics.length, `${where} selects no metric`).toBeGreaterThan(0);
  for (const m of p.metrics) {
    expect(CATALOG_METRICS.has(m) || RECORDED.has(m), `${where}: unknown metric ${m}`).toBe(true);
  }
  for (const l of p.labels)
    expect(KNOWN_LABELS.has(l), `${where}: label ${l} is not in the catalog`).toBe(true);
}

function variablesUsed(text: string): string[] {
  return [...text.matchAll(/\$\{?(\w+)/g)].map((m) => m[1]!);
}

const dashboardFiles = readdirSync(join(GENERATED, 'dashboards')).filter((f) =>
  f.endsWith('.json'),
);

describe('the parser check itself', () => {
  it('rejects broken PromQL and reports unknown metrics', () => {
    expect(parsePromQL('sum(rate(x[5m])').errors.length).toBeGreaterThan(0);
    expect(
      parsePromQL(
        'sum by (customer_id) (increase(ai_margin_cost_usd_total{customer_id=~"$customer"}[$__range]))',
      ),
    ).toEqual({
      errors: [],
      metrics: ['ai_margin_cost_usd_total'],
      labels: ['customer_id', 'customer_id'],
    });
  });
});

describe.each(dashboardFiles)('dashboard %s', (file) => {
  const d = JSON.parse(readFileSync(join(GENERATED, 'dashboards', file), 'utf8')) as Json;
  const panels = (d.panels as Json[]).filter((p) => p.type !== 'row');
  const templating = (d.templating as { list: Json[] }).list;
  const defined = new Set(templating.map((v) => v.name as string));

  it('is importable by UI and by provisioning', () => {
    expect(d.schemaVersion).toBe(39);
    expect(d.__inputs).toEqual([
      expect.objectContaining({
        name: 'DS_PROMETHEUS',
        type: 'datasource',
        pluginId: 'prometheus',
      }),
    ]);
    expect(templating[0]).toMatchObject({
      name: 'DS_PROMETHEUS',
      type: 'datasource',
      query: 'prometheus',
    });
    for (const name of ['customer', 'feature', 'model', 'provider', 'plan', 'cohort'])
      expect(defined.has(name), name).toBe(true);
    expect(typeof d.uid).toBe('string');
  });

  it('every panel has a description, the placeholder datasource and valid queries', () => {
    expect(panels.length).toBeGreaterThan(0);
    for (const p of panels) {
      const where = `${file} / ${p.title}`;
      expect(String(p.description ?? '').length, `${where} has no description`).toBeGreaterThan(20);
      expect(p.datasource, where).toEqual(PLACEHOLDER);
      const targets = p.targets as Json[];
      expect(targets.length, `${where} has no query`).toBeGreaterThan(0);
      for (const t of targets) {
        expect(t.datasource, where).toEqual(PLACEHOLDER);
        expectValidQuery(where, t.expr as string);
        for (const v of variablesUsed(t.expr as string)) {
          expect(defined.has(v) || BUILTINS.has(v), `${where}: $${v} is not defined`).toBe(true);
        }
      }
    }
  });

  it('query variables use the placeholder and catalog metrics; links use defined variables', () => {
    for (const v of templating.filter((x) => x.type === 'query')) {
      expect(v.datasource).toEqual(PLACEHOLDER);
      const m = /^label_values\((\w+), (\w+)\)$/.exec(v.definition as string);
      expect(m, String(v.definition)).not.toBeNull();
      expect(CATALOG_METRICS.has(m![1]!)).toBe(true);
      expect(KNOWN_LABELS.has(m![2]!)).toBe(true);
    }
    const text = JSON.stringify(panels);
    for (const v of variablesUsed(text))
      expect(defined.has(v) || BUILTINS.has(v), `$${v}`).toBe(true);
  });
});

describe('rule files', () => {
  it('every recording rule expression is valid and uses catalog metrics', () => {
    for (const g of recordingRules.groups)
      for (const r of g.rules) expectValidQuery(r.record, r.expr);
  });

  it('every Prometheus alert expression is valid and uses catalog metrics or recording rules', () => {
    for (const g of alertRules.groups) for (const r of g.rules) expectValidQuery(r.alert, r.expr);
  });

  it('every Grafana-managed alert queries the provisioned datasource with a valid expression', () => {
    const titles: string[] = [];
    for (const g of grafanaAlerts.groups) {
      for (const r of g.rules) {
        titles.push(r.title);
        const [query, ...exprs] = r.data;
        expect(query!.datasourceUid).toBe('ai-margin-prometheus');
        expectValidQuery(r.title, query!.model.expr!);
        expect(exprs.map((e) => [e.datasourceUid, e.model.type])).toEqual([
          ['__expr__', 'reduce'],
          ['__expr__', 'threshold'],
        ]);
      }
    }
    expect(titles.sort()).toEqual(
      alertRules.groups.flatMap((g) => g.rules.map((r) => r.alert)).sort(),
    );
    // Grafana expands $VARS in provisioning files: templates must not contain '$'.
    expect(
      JSON.stringify(
        grafanaAlerts.groups.map((g) => g.rules.map((r) => (r as unknown as Json).annotations)),
      ),
    ).not.toContain('$');
  });
});
