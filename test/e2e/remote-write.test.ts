/**
 * The remote-write path a platform team puts in front of its storage: the real MarginSpanProcessor
 * exports OTLP/protobuf (the SDK's OTLPMetricExporter, as the example service does) to a real
 * vmagent, which remote-writes every sample to a real VictoriaMetrics (`/api/v1/write`) and to a
 * real Prometheus 2.53 with `--web.enable-remote-write-receiver`.
 *
 * Checked on both backends: the exact cumulative series (cost, tokens, requests, revenue, MRR) of
 * hand-priced calls (test/support/fleet-calls.ts); the resource attributes `service.name`,
 * `service.namespace`, `deployment.environment.name` (set through the SDK Resource and
 * OTEL_RESOURCE_ATTRIBUTES) arriving as the labels the fleet selectors use (also straight from
 * VictoriaMetrics' own OTLP receiver, through a second metric reader); the catalog's report
 * queries (cost, revenue, margin per customer, cost per model and feature) giving the same
 * hand-computed figures on VictoriaMetrics and on Prometheus for the same samples, as do
 * `ai-margin report`'s builder and every other windowed catalog query.
 */

import { LABELS } from '@ai-margin/conventions';
import {
  allocatedFixedCost,
  cacheHitShare,
  costByCustomer,
  costByFeature,
  costByModel,
  costPerUseByFeature,
  effectivePricePerMTokens,
  featureCostShare,
  featureRequestShare,
  llmShareOfCost,
  marginByCustomer,
  marginByInfoLabel,
  marginDistribution,
  marginRatioByInfoLabel,
  marginRatioOf,
  prometheusClient,
  requestsByCustomer,
  requestsByFeature,
  revenueByCustomer,
  tokensByModelAndType,
  tokensPerRequestByCustomer,
  top20CostShare,
  totalCost,
  underwaterCount,
  unpricedRequests,
  type Window,
} from '@ai-margin/dashboards';
import { marginMetricViews } from '@ai-margin/processor';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport, type MarginReport } from '../../packages/cli/src/report/build';
import { startVictoriaMetrics, type VictoriaMetrics } from '../support/backends';
import {
  type FleetProcessor,
  fleetProcessor,
  MONTH_SECONDS,
  PRIME_CALLS,
  TOTALS,
  WINDOW,
  WINDOW_CALLS,
} from '../support/fleet-calls';
import { pollUntil, sleep } from '../support/proc';
import { byKey, instantQuery, type Sample } from '../support/promql';
import { OTLP_RELABEL } from '../support/relabel';
import { type Server, startPrometheus } from '../support/servers';
import { startVmagent } from '../support/vmagent';

/** Relative tolerance for "exact": both backends store float64; VM keeps ~12 significant digits. */
const REL = 1e-9;
const RESOURCE = {
  'service.name': 'checkout',
  'service.namespace': 'shop',
  'deployment.environment.name': 'staging',
};
/** The labels the resource attributes must arrive as (observed with vmagent 1.112). */
const RESOURCE_LABELS = {
  service_name: 'checkout',
  service_namespace: 'shop',
  deployment_environment_name: 'staging',
};

let vm: VictoriaMetrics;
/** A second VictoriaMetrics receiving the same processor's OTLP directly (no vmagent). */
let vmDirect: VictoriaMetrics;
let direct: PeriodicExportingMetricReader;
let prom: Server;
let agent: Server;
let meterProvider: MeterProvider;
let reader: PeriodicExportingMetricReader;
let fleet: FleetProcessor;
/** Evaluation instant and window: from the last sample before the window calls to the last one. */
let at: number;
let window: Window;
let backends: Array<{ name: string; url: string }>;

function expectClose(actual: number | undefined, want: number, what: string): void {
  if (actual === undefined) throw new Error(`${what}: no value (expected ${want})`);
  const tol = Math.max(Math.abs(want) * REL, 1e-15);
  if (Math.abs(actual - want) > tol) throw new Error(`${what}: got ${actual}, expected ${want}`);
}

function expectMapClose(
  actual: Map<string, number>,
  want: Readonly<Record<string, number>>,
  what: string,
): void {
  expect([...actual.keys()].sort(), `${what}: series`).toEqual(Object.keys(want).sort());
  for (const [k, v] of Object.entries(want)) expectClose(actual.get(k), v, `${what} ${k}`);
}

/** Sample timestamps (ms) of every requests series on `base`, one sorted list per series. */
async function sampleTimes(base: string): Promise<number[][]> {
  const series = await prometheusClient({ url: base, noCache: true }).rawSamples(
    'ai_margin_requests_total[10m]',
    Date.now() / 1000,
  );
  return series.map((s) => s.values.map(([t]) => Math.round(t * 1000)).sort((a, b) => a - b));
}

async function flush(): Promise<void> {
  await reader.forceFlush();
  // Distinct, ordered timestamps for the next collection.
  await sleep(50);
}

beforeAll(async () => {
  vm = await startVictoriaMetrics();
  vmDirect = await startVictoriaMetrics();
  prom = await startPrometheus(
    ['global:', '  scrape_interval: 1m', 'scrape_configs: []', ''].join('\n'),
    ['--web.enable-remote-write-receiver'],
  );
  agent = await startVmagent({
    remoteWrite: [
      { url: `${vm.url}/api/v1/write` },
      { url: `${prom.url}/api/v1/write`, protocol: 'prometheus' },
    ],
    // Several queues send blocks concurrently; Prometheus' receiver rejects a sample older than
    // the series' newest ("out of order sample", HTTP 400, the block is dropped). Samples 50 ms
    // apart need one queue; 60 s export intervals do not, in practice.
    flags: ['-remoteWrite.queues=1'],
    relabelConfig: OTLP_RELABEL,
  });
  backends = [
    { name: 'VictoriaMetrics', url: vm.url },
    { name: 'Prometheus', url: prom.url },
  ];

  // The SDK Resource, as a service sets it: service.name in code, the rest from the environment.
  process.env.OTEL_RESOURCE_ATTRIBUTES = `service.namespace=${RESOURCE['service.namespace']},deployment.environment.name=${RESOURCE['deployment.environment.name']}`;
  const resource = resourceFromAttributes({ 'service.name': RESOURCE['service.name'] }).merge(
    detectResources({ detectors: [envDetector] }),
  );
  reader = new PeriodicExportingMetricReader({
    exporter: new OTLPMetricExporter({ url: `${agent.url}/opentelemetry/v1/metrics` }),
    // Collections are triggered by forceFlush: the test knows which calls each sample holds.
    exportIntervalMillis: 3_600_000,
  });
  direct = new PeriodicExportingMetricReader({
    exporter: new OTLPMetricExporter({ url: `${vmDirect.url}/opentelemetry/v1/metrics` }),
    exportIntervalMillis: 3_600_000,
  });
  meterProvider = new MeterProvider({
    resource,
    readers: [reader, direct],
    views: marginMetricViews(),
  });
  fleet = fleetProcessor({ meterProvider });

  fleet.run(PRIME_CALLS);
  await flush();
  await flush(); // t1: prime totals, the window's start
  fleet.run(WINDOW_CALLS);
  await flush();
  await flush(); // t3: final totals, the window's end
  await direct.forceFlush();

  // Every requests series holds the same 4 sample timestamps on both backends.
  for (const b of backends) {
    const times = await pollUntil(
      () => sampleTimes(b.url),
      (s) => s.length === 3 && s.every((t) => t.length === 4),
      30_000,
    );
    if (!(times.length === 3 && times.every((t) => t.length === 4))) {
      throw new Error(
        `${b.name}: samples did not arrive: ${JSON.stringify(times)}\n${agent.proc.log()}`,
      );
    }
  }
  const times = (await sampleTimes(vm.url))[0] ?? [];
  const start = times[1] ?? 0;
  const end = times[3] ?? 0;
  at = end / 1000;
  window = { range: `${end - start}ms`, seconds: String((end - start) / 1000) };
}, 90_000);

afterAll(async () => {
  await fleet?.shutdown();
  await meterProvider?.shutdown().catch(() => undefined);
  await agent?.stop();
  await prom?.stop();
  await vm?.stop();
  await vmDirect?.stop();
  delete process.env.OTEL_RESOURCE_ATTRIBUTES;
});

const q = (base: string, query: string, time?: number) =>
  instantQuery(base, query, time, { noCache: true });

/**
 * Every ai_margin series carries the three resource labels (plus `job` when given), and a cost
 * series carries exactly its own labels plus those: no `instance`, no `target_info` join.
 */
async function expectResourceLabels(base: string, job?: string): Promise<void> {
  const want = job === undefined ? RESOURCE_LABELS : { ...RESOURCE_LABELS, job };
  const all: Sample[] = await q(base, '{__name__=~"ai_margin_.+"}');
  expect(all.length).toBeGreaterThan(0);
  for (const s of all) expect(s.metric).toMatchObject(want);
  const cost = all.find((s) => s.metric.__name__ === 'ai_margin_cost_usd_total');
  expect(Object.keys(cost?.metric ?? {}).sort()).toEqual(
    [
      '__name__',
      'cost_type',
      'customer_id',
      'feature',
      'model',
      'provider',
      ...Object.keys(want),
    ].sort(),
  );
}

describe('OTLP -> VictoriaMetrics directly (same processor, second reader)', () => {
  it('resource attributes as labels, no job; the same cumulative cost', async () => {
    await pollUntil(
      () => q(vmDirect.url, 'sum(ai_margin_requests_total)'),
      (r) => r[0]?.value === 7,
      10_000,
    );
    await expectResourceLabels(vmDirect.url);
    expectMapClose(
      byKey(await q(vmDirect.url, 'ai_margin_cost_usd_total'), ['customer_id', 'feature', 'model']),
      TOTALS.cost,
      'cost',
    );
  });
});

describe('OTLP -> vmagent -> remote write', () => {
  it('every sample reaches both backends with the same timestamps', async () => {
    expect(await sampleTimes(prom.url)).toEqual(await sampleTimes(vm.url));
  });

  for (const backend of ['VictoriaMetrics', 'Prometheus'] as const) {
    it(`exact cumulative series on ${backend}`, async () => {
      const base = backend === 'VictoriaMetrics' ? vm.url : prom.url;
      const cost = await q(base, 'ai_margin_cost_usd_total');
      expectMapClose(byKey(cost, ['customer_id', 'feature', 'model']), TOTALS.cost, 'cost');
      for (const s of cost) {
        expect(s.metric.cost_type).toBe('llm');
        expect(s.metric.provider).toBe(s.metric.model === 'test-claude' ? 'anthropic' : 'openai');
      }
      expectMapClose(
        byKey(await q(base, 'ai_margin_tokens_total'), ['customer_id', 'feature', 'token_type']),
        TOTALS.tokens,
        'tokens',
      );
      expectMapClose(
        byKey(await q(base, 'ai_margin_requests_total'), ['customer_id', 'feature', 'priced']),
        TOTALS.requests,
        'requests',
      );
      expectMapClose(
        byKey(await q(base, 'ai_margin_revenue_usd_total'), ['customer_id', 'feature']),
        TOTALS.revenue,
        'revenue',
      );
      expectMapClose(
        byKey(await q(base, 'ai_margin_customer_mrr_usd'), ['customer_id']),
        TOTALS.mrr,
        'mrr',
      );
    });

    it(`resource attributes arrive as labels on ${backend}, job from the relabeling`, async () => {
      const base = backend === 'VictoriaMetrics' ? vm.url : prom.url;
      await expectResourceLabels(base, 'shop/checkout');
    });
  }
});

describe('catalog report queries on the same samples', () => {
  /** Every query's answer keyed by `labels`, on both backends. */
  async function onBoth(query: string, labels: readonly string[]) {
    return Promise.all(backends.map(async (b) => byKey(await q(b.url, query, at), labels)));
  }

  const mrrIn = (usd: number) => (usd * Number(window.seconds)) / MONTH_SECONDS;

  it('cost, revenue and margin per customer: hand-computed, identical on both', async () => {
    const C = [LABELS.customer];
    const revenue = {
      acme: WINDOW.usageRevenue.acme + mrrIn(TOTALS.mrr.acme),
      globex: WINDOW.usageRevenue.globex + mrrIn(TOTALS.mrr.globex),
    };
    const margin = {
      acme: revenue.acme - WINDOW.cost.acme,
      globex: revenue.globex - WINDOW.cost.globex,
    };
    const [costVm, costProm] = await onBoth(costByCustomer(window), C);
    const [revVm, revProm] = await onBoth(revenueByCustomer(window), C);
    const [marVm, marProm] = await onBoth(marginByCustomer(window), C);
    for (const [name, got] of [
      ['VictoriaMetrics', { cost: costVm, rev: revVm, mar: marVm }],
      ['Prometheus', { cost: costProm, rev: revProm, mar: marProm }],
    ] as const) {
      expectMapClose(got.cost!, WINDOW.cost, `${name} cost`);
      expectMapClose(got.rev!, revenue, `${name} revenue`);
      expectMapClose(got.mar!, margin, `${name} margin`);
    }
  });

  it('cost per model and per feature, uses per feature: identical on both', async () => {
    const [modelVm, modelProm] = await onBoth(costByModel(window), [LABELS.provider, LABELS.model]);
    const [featVm, featProm] = await onBoth(costByFeature(window), [LABELS.feature]);
    const [usesVm, usesProm] = await onBoth(requestsByFeature(window), [LABELS.feature]);
    for (const [name, m, f, u] of [
      ['VictoriaMetrics', modelVm, featVm, usesVm],
      ['Prometheus', modelProm, featProm, usesProm],
    ] as const) {
      expectMapClose(m!, WINDOW.costByModel, `${name} cost by model`);
      expectMapClose(f!, WINDOW.costByFeature, `${name} cost by feature`);
      expectMapClose(u!, WINDOW.requestsByFeature, `${name} uses by feature`);
    }
  });

  it('`ai-margin report` (buildReport): the same customers, totals, models and features on both', async () => {
    const [onVm, onProm] = await Promise.all(
      backends.map((b) => buildReport(prometheusClient({ url: b.url, noCache: true }), window, at)),
    );
    const numbers = (r: MarginReport | undefined) =>
      JSON.stringify({
        totals: r?.totals,
        customers: r?.customers,
        models: r?.models,
        features: r?.features,
        patterns: r?.patterns,
      });
    const vmText = numbers(onVm);
    // Worst margin first: acme 0.082 + MRR - 0.1965 < 0 < globex 0.016 + MRR - 0.0149.
    expect(onVm?.customers.map((c) => c.customer)).toEqual(['acme', 'globex']);
    // Same shape and order; numbers equal to 1e-9 relative (float64 round trips differ in the
    // last digits at most).
    const flat = (text: string) => text.split(/(-?\d+(?:\.\d+)?(?:e-?\d+)?)/);
    const a = flat(vmText);
    const b = flat(numbers(onProm));
    expect(b.length).toBe(a.length);
    a.forEach((part, i) => {
      if (i % 2 === 0) expect(b[i]).toBe(part);
      else expectClose(Number(b[i]), Number(part), `report field ${i}`);
    });
    expectClose(onVm?.totals.cost, WINDOW.cost.acme + WINDOW.cost.globex, 'report total cost');
  });

  it('every windowed catalog query: the same series and values on both', async () => {
    const w = window;
    const margin = marginByCustomer(w);
    const revenue = revenueByCustomer(w);
    const ratio = marginRatioOf(margin, revenue);
    const queries: Record<string, string> = {
      costByCustomer: costByCustomer(w),
      revenueByCustomer: revenue,
      marginByCustomer: margin,
      marginRatio: ratio,
      allocatedFixedCost: allocatedFixedCost(w),
      requestsByCustomer: requestsByCustomer(w),
      tokensPerRequestByCustomer: tokensPerRequestByCustomer(w),
      costByModel: costByModel(w),
      costByFeature: costByFeature(w),
      requestsByFeature: requestsByFeature(w),
      costPerUseByFeature: costPerUseByFeature(w),
      featureCostShare: featureCostShare(w),
      featureRequestShare: featureRequestShare(w),
      effectivePricePerMTokens: effectivePricePerMTokens(w),
      cacheHitShare: cacheHitShare(w),
      tokensByModelAndType: tokensByModelAndType(w),
      llmShareOfCost: llmShareOfCost(w),
      totalCost: totalCost(w),
      underwaterCount: underwaterCount(margin),
      top20CostShare: top20CostShare(costByCustomer(w)),
      marginDistribution: marginDistribution(ratio),
      marginByCohort: marginByInfoLabel(LABELS.cohort, margin),
      marginRatioByPlan: marginRatioByInfoLabel(LABELS.plan, margin, revenue),
      unpricedRequests: unpricedRequests(w),
    };
    const sorted = (r: Sample[]) =>
      r
        .map((x) => ({ key: JSON.stringify(Object.entries(x.metric).sort()), value: x.value }))
        .sort((a, b) => a.key.localeCompare(b.key));
    let nonEmpty = 0;
    for (const [name, query] of Object.entries(queries)) {
      const [a, b] = await Promise.all(backends.map((x) => q(x.url, query, at)));
      const sa = sorted(a ?? []);
      const sb = sorted(b ?? []);
      expect(
        sb.map((x) => x.key),
        name,
      ).toEqual(sa.map((x) => x.key));
      for (const [i, x] of sa.entries()) expectClose(sb[i]?.value, x.value, `${name} ${x.key}`);
      if (sa.length > 0) nonEmpty++;
    }
    // Empty on both: no fixed-cost pools, no unpriced calls.
    expect(nonEmpty).toBe(Object.keys(queries).length - 2);
    // One more by hand (cost, revenue and margin per customer are checked above).
    expectClose(
      (await q(prom.url, queries.underwaterCount!, at))[0]?.value,
      1,
      'customers under water',
    );
  });
});
