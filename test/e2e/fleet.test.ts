/**
 * A fleet end to end: three replicas of the example service in production (same service.name,
 * different service.instance.id) and a second service in staging, on real servers. Each process
 * exports OTLP to a real VictoriaMetrics (resource attributes become labels; a relabel rule makes
 * `job` = namespace/name, as Prometheus and the Collector name it) and is scraped by a real
 * Prometheus whose targets carry the environment and cluster labels. vmalert evaluates the
 * generated recording rules; every table, stat, bar and time series panel of the
 * generated dashboards is then checked per environment, per cluster and in total against figures
 * computed by hand from the scripted calls (test/support/scenario.ts): three replicas give the
 * figures of one process, and staging never mixes into production.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ReloadingPriceBook } from '@ai-margin/processor';
import { type ProviderSim, startProviderSim } from '@ai-margin/provider-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locateBackends, startVictoriaMetrics, type VictoriaMetrics } from '../support/backends';
import {
  DASHBOARDS_DIR,
  type PanelQuery,
  panelQueries,
  rulesForTest,
  substitute,
  waitForRuleEvaluation,
} from '../support/dashboards';
import {
  expectedPanels,
  newestPriceMs,
  type PanelExpectation,
} from '../support/panel-expectations';
import { pollUntil, sleep } from '../support/proc';
import { byKey, instantQuery, rangeQuery } from '../support/promql';
import { OTLP_RELABEL } from '../support/relabel';
import {
  type Call,
  CLAUDE,
  customersFile,
  type Expected,
  expectedFor,
  LARGE,
  PHASE1_CALLS,
  PHASE2_CALLS,
  PRIME_CALLS,
  priceFile,
  promptOf,
  REVENUE_RULES,
  SMALL,
  UNPRICED,
  usageScript,
} from '../support/scenario';
import { type Server, startPrometheus, startVmalert } from '../support/servers';
import { type Service, startService } from '../support/service';

const EXPORT_INTERVAL_MS = 500;
const SHIPPED_PRICE_DIR = dirname(
  createRequire(import.meta.url).resolve('@ai-margin/processor/price-data/openai.json'),
);
const RANGE = { range: '1h', rangeSeconds: 3600, rateInterval: '1m' };
/** VictoriaMetrics stores floats with ~12 significant digits. */
const REL = 1e-9;
const NAMESPACE = 'shop';
const REPLICAS = 3;

/** Where each process runs: its service, environment, cluster and instance id. */
interface Place {
  service: string;
  environment: string;
  /** Kubernetes cluster name (`k8s.cluster.name`); none in staging. */
  cluster?: string;
  instance: string;
}
const PROD: Place[] = Array.from({ length: REPLICAS }, (_, i) => ({
  service: 'api',
  environment: 'prod',
  cluster: 'eu-1',
  instance: `api-${i + 1}`,
}));
const STAGING: Place = { service: 'batch', environment: 'staging', instance: 'batch-1' };
const PROD_JOB = `${NAMESPACE}/api`;
const STAGING_JOB = `${NAMESPACE}/batch`;

const call = (customer: string, route: Call['route'], model: string, usage: Call['usage']) =>
  ({ customer, route, model, usage, phase: 1 }) as Call;

/** Production: the live scenario's big calls (one price period), spread over the replicas. */
const PROD_BIG: Call[] = [...PHASE1_CALLS, ...PHASE2_CALLS].map((c) => ({ ...c, phase: 1 }));
/** Staging: other usage of the same customers, and an unpriced call. */
const STAGING_BIG: Call[] = [
  call('acme', 'chat', SMALL, { input: 40_000, output: 10_000, cacheRead: 8_000 }),
  call('acme', 'summarise', CLAUDE, { input: 2_000, output: 4_000 }),
  call('initech', 'chat', LARGE, { input: 100_000, output: 20_000 }),
  call('initech', 'search', SMALL, { input: 300, output: 30 }),
  call('acme', 'chat', UNPRICED, { input: 1_000, output: 1_000 }),
];

let sim: ProviderSim;
let vm: VictoriaMetrics;
let prom: Server;
let vmalert: Server | undefined;
let dir: string;
let now: Date;
const prod: Service[] = [];
let staging: Service;
let prodCalls: Call[];
let stagingCalls: Call[];
let endSec: number;

async function send(service: Service, c: Call): Promise<void> {
  const url = `${service.url}/${c.route}?account=${encodeURIComponent(c.customer)}&model=${c.model}`;
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ prompt: promptOf(c) }),
  });
  if (!r.ok) throw new Error(`${url} -> ${r.status} ${await r.text()}\n${service.proc.log()}`);
}

async function total(base: string, query: string): Promise<number> {
  const r = await instantQuery(base, query);
  return r.reduce((a, s) => a + s.value, 0);
}

async function waitForRequests(base: string, n: number, what: string): Promise<void> {
  const got = await pollUntil(
    () => total(base, 'sum(ai_margin_requests_total)'),
    (v) => v === n,
    30_000,
  );
  if (got !== n) throw new Error(`${what}: ${got} requests after 30 s, expected ${n}`);
}

function startAt(place: Place, withCustomers: boolean): Promise<Service> {
  const attrs = [
    `service.namespace=${NAMESPACE}`,
    `deployment.environment.name=${place.environment}`,
    `service.instance.id=${place.instance}`,
    ...(place.cluster ? [`k8s.cluster.name=${place.cluster}`] : []),
  ];
  return startService({
    OTEL_SERVICE_NAME: place.service,
    OTEL_RESOURCE_ATTRIBUTES: attrs.join(','),
    OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `${vm.url}/opentelemetry/v1/metrics`,
    OTEL_METRIC_EXPORT_INTERVAL: String(EXPORT_INTERVAL_MS),
    OPENAI_BASE_URL: `${sim.url}/v1`,
    ANTHROPIC_BASE_URL: sim.url,
    AI_MARGIN_PRICES: join(dir, 'prices.json'),
    AI_MARGIN_REVENUE_RULES: join(dir, 'revenue-rules.json'),
    // Customers (MRR, plan, cohort) are production's; staging has usage only.
    AI_MARGIN_CUSTOMERS: join(dir, withCustomers ? 'customers.json' : 'no-customers.json'),
  });
}

beforeAll(async () => {
  locateBackends();
  now = new Date();
  dir = mkdtempSync(join(tmpdir(), 'ai-margin-fleet-'));
  // One price period for the whole test: the scenario's price cut is set far in the future.
  writeFileSync(
    join(dir, 'prices.json'),
    JSON.stringify(priceFile(new Date('2099-01-01T00:00:00Z'))),
  );
  writeFileSync(join(dir, 'customers.json'), JSON.stringify(customersFile(now)));
  writeFileSync(join(dir, 'no-customers.json'), '[]');
  writeFileSync(join(dir, 'revenue-rules.json'), JSON.stringify(REVENUE_RULES));
  writeFileSync(join(dir, 'relabel.yml'), OTLP_RELABEL);
  sim = await startProviderSim({ script: usageScript });
  vm = await startVictoriaMetrics({ flags: [`-relabelConfig=${join(dir, 'relabel.yml')}`] });
  prod.push(...(await Promise.all(PROD.map((p) => startAt(p, true)))));
  staging = await startAt(STAGING, false);

  // Prometheus scrape path: environment and cluster are target labels, job the scrape job.
  const host = (s: Service) => `'${new URL(s.url).host}'`;
  prom = await startPrometheus(
    [
      'global:',
      '  scrape_interval: 1s',
      'scrape_configs:',
      `  - job_name: ${PROD_JOB}`,
      '    static_configs:',
      `      - targets: [${prod.map(host).join(', ')}]`,
      '        labels: { deployment_environment_name: prod, cluster: eu-1 }',
      `  - job_name: ${STAGING_JOB}`,
      '    static_configs:',
      `      - targets: [${host(staging)}]`,
      '        labels: { deployment_environment_name: staging }',
      '',
    ].join('\n'),
  );

  // Every process first makes the tiny prime calls (every series starts small: see PRIME_CALLS).
  await Promise.all(
    [...prod, staging].map(async (s) => {
      for (const c of PRIME_CALLS) await send(s, c);
    }),
  );
  const primes = PRIME_CALLS.length * (REPLICAS + 1);
  await waitForRequests(vm.url, primes, 'VictoriaMetrics after the prime calls');
  await sleep(EXPORT_INTERVAL_MS * 2);
  // The big calls: production's round robin over the replicas.
  await Promise.all([
    (async () => {
      for (const [i, c] of PROD_BIG.entries()) await send(prod[i % REPLICAS]!, c);
    })(),
    (async () => {
      for (const c of STAGING_BIG) await send(staging, c);
    })(),
  ]);
  prodCalls = [...Array.from({ length: REPLICAS }, () => PRIME_CALLS).flat(), ...PROD_BIG];
  stagingCalls = [...PRIME_CALLS, ...STAGING_BIG];
  const all = prodCalls.length + stagingCalls.length;
  await waitForRequests(vm.url, all, 'VictoriaMetrics after the calls');
  await waitForRequests(prom.url, all, 'Prometheus after the calls');
  await sleep(Math.max(EXPORT_INTERVAL_MS * 2, 1500));
  endSec = Date.now() / 1000;
  const recording = rulesForTest('2s');
  vmalert = await startVmalert({
    rules: { 'ai-margin-recording.yml': recording['ai-margin-recording.yml']! },
    datasourceUrl: vm.url,
    remoteWriteUrl: vm.url,
    evaluationInterval: '2s',
  });
}, 150_000);

afterAll(async () => {
  await vmalert?.stop();
  await Promise.all([...prod, staging].filter(Boolean).map((s) => s.stop()));
  await prom?.stop();
  await vm?.stop();
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Figures of the production calls, of staging's (no MRR: no customers file) and of both. */
function figures(): { prod: Expected; staging: Expected; total: Expected } {
  return {
    prod: expectedFor(prodCalls),
    staging: { ...expectedFor(stagingCalls), mrr: new Map() },
    total: expectedFor([...prodCalls, ...stagingCalls]),
  };
}

describe('resource attributes and scrape targets become the fleet labels', () => {
  it('OTLP -> VictoriaMetrics: service, namespace, environment, instance and cluster are labels', async () => {
    const r = await instantQuery(
      vm.url,
      'group by (job, service_name, service_namespace, deployment_environment_name, service_instance_id, k8s_cluster_name, cluster) (ai_margin_requests_total)',
    );
    const got = r
      .map((s) =>
        [
          'job',
          'service_name',
          'service_namespace',
          'deployment_environment_name',
          'service_instance_id',
          'k8s_cluster_name',
          'cluster',
        ]
          .map((l) => s.metric[l] ?? '')
          .join('|'),
      )
      .sort();
    expect(got).toEqual([
      `${PROD_JOB}|api|shop|prod|api-1|eu-1|eu-1`,
      `${PROD_JOB}|api|shop|prod|api-2|eu-1|eu-1`,
      `${PROD_JOB}|api|shop|prod|api-3|eu-1|eu-1`,
      `${STAGING_JOB}|batch|shop|staging|batch-1||`,
    ]);
  });

  it('Prometheus scrape: job from the scrape job, environment and cluster from target labels', async () => {
    const r = await instantQuery(
      prom.url,
      'sum by (job, deployment_environment_name, cluster, customer_id) (ai_margin_cost_usd_total)',
    );
    const f = figures();
    const want = new Map<string, number>();
    for (const [c, v] of f.prod.costByCustomer) want.set(`${PROD_JOB}|prod|eu-1|${c}`, v);
    for (const [c, v] of f.staging.costByCustomer) want.set(`${STAGING_JOB}|staging||${c}`, v);
    const got = byKey(r, ['job', 'deployment_environment_name', 'cluster', 'customer_id']);
    expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
    for (const [k, v] of want) expect(Math.abs(got.get(k)! - v), k).toBeLessThanOrEqual(v * REL);
  });

  it('the dashboards fleet variables list the environments, clusters and services on both paths', async () => {
    const d = JSON.parse(readFileSync(join(DASHBOARDS_DIR, 'overview.json'), 'utf8')) as {
      templating: { list: { name: string; query?: unknown }[] };
    };
    const want: Record<string, string[]> = {
      environment: ['prod', 'staging'],
      cluster: ['eu-1'],
      job: [PROD_JOB, STAGING_JOB],
    };
    for (const [name, values] of Object.entries(want)) {
      const v = d.templating.list.find((x) => x.name === name);
      const m = /^label_values\((\w+), (\w+)\)$/.exec(String(v?.query));
      expect(m, `variable ${name}: ${JSON.stringify(v)}`).not.toBeNull();
      for (const base of [vm.url, prom.url]) {
        const r = await fetch(`${base}/api/v1/label/${m![2]}/values?match[]=${m![1]}`);
        const j = (await r.json()) as { data: string[] };
        expect(j.data.sort(), `${name} on ${base}`).toEqual(values);
      }
    }
  });
});

/** A view of the dashboards: variable values and what every panel must show. */
interface View {
  name: string;
  vars: Record<string, string>;
  want: Record<string, PanelExpectation>;
}

const COHORT_TRAILING = 'ai-margin-cohorts/Margin % by cohort (trailing 30 days)/A';
const AGE_TRAILING = 'ai-margin-cohorts/Margin % by customer age month (trailing 30 days)/A';
const COHORT_PANELS = [
  COHORT_TRAILING,
  AGE_TRAILING,
  'ai-margin-cohorts/Margin by cohort (time range)/A',
  'ai-margin-cohorts/Margin % by customer age month (time range)/A',
];
const SDKS = 'ai-margin-overview/LLM SDKs the instrumentation met/A';
const BOOK = 'ai-margin-overview/Price book in force/A';

describe('dashboard panels per environment, per cluster and in total', () => {
  it('three replicas give one process figures; staging never mixes into production', async () => {
    await waitForRuleEvaluation(vmalert!.url, Math.ceil(endSec * 1000), 120_000);
    const pricesPath = join(dir, 'prices.json');
    const book = new ReloadingPriceBook({ files: [pricesPath] });
    const version = book.info().version;
    book.close();
    const shipped = readdirSync(SHIPPED_PRICE_DIR)
      .filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(readFileSync(join(SHIPPED_PRICE_DIR, f), 'utf8')) as unknown);
    const user = JSON.parse(readFileSync(pricesPath, 'utf8')) as unknown;
    const atMs = Date.now();
    const priceBook = { version, newestPriceMs: newestPriceMs([...shipped, user], atMs), atMs };
    const f = figures();
    // The checks run up to two minutes after `atMs`: the book's age may have grown that much.
    const panelsOf = (e: Expected): Record<string, PanelExpectation> => {
      const want = expectedPanels(e, now, RANGE.rangeSeconds, priceBook);
      const book = want[BOOK] as Extract<PanelExpectation, { kind: 'values' }>;
      return { ...want, [BOOK]: { ...book, absTol: 180 / 86_400 } };
    };
    const sdks = (processes: number): PanelExpectation => {
      const base = panelsOf(f.prod)[SDKS] as Extract<PanelExpectation, { kind: 'values' }>;
      return { ...base, values: new Map([...base.values.keys()].map((k) => [k, processes])) };
    };
    const empty = (e: PanelExpectation): PanelExpectation =>
      e.kind === 'values' ? { ...e, values: new Map() } : e;
    const prodWant: Record<string, PanelExpectation> = {
      ...panelsOf(f.prod),
      [SDKS]: sdks(REPLICAS),
    };
    const stagingWant = panelsOf(f.staging);
    const views: View[] = [
      { name: 'prod', vars: { environment: 'prod' }, want: prodWant },
      { name: 'cluster eu-1', vars: { cluster: 'eu-1' }, want: prodWant },
      {
        name: 'staging',
        vars: { environment: 'staging' },
        want: {
          ...stagingWant,
          [SDKS]: sdks(1),
          // Cohort panels join customer info within the environment: staging has none.
          ...Object.fromEntries(
            COHORT_PANELS.map((k) => [k, empty(stagingWant[k]!)] as [string, PanelExpectation]),
          ),
        },
      },
      {
        name: 'all',
        vars: {},
        want: {
          ...panelsOf(f.total),
          [SDKS]: sdks(REPLICAS + 1),
          // Recorded per environment: with every environment selected, production's lines.
          [COHORT_TRAILING]: prodWant[COHORT_TRAILING]!,
          [AGE_TRAILING]: prodWant[AGE_TRAILING]!,
        },
      },
    ];
    // The figures must differ between the views, or the test would prove nothing.
    expect(f.staging.totalCost).toBeGreaterThan(0.01);
    expect(f.total.totalCost).toBeCloseTo(f.prod.totalCost + f.staging.totalCost, 12);

    const panels = panelQueries();
    expect(panels.length).toBeGreaterThan(25);
    const seriesOf = async (p: PanelQuery, vars: Record<string, string>, labels: string[]) => {
      const query = substitute(p.expr, { ...RANGE, vars });
      const t = Math.floor(Date.now() / 1000);
      const samples = p.instant
        ? await instantQuery(vm.url, query, t)
        : (await rangeQuery(vm.url, query, t - 600, t, 30))
            .filter((s) => s.values.length > 0)
            .map((s) => ({ metric: s.metric, value: s.values[s.values.length - 1]![1] }));
      return byKey(samples, labels);
    };
    // Rule chains settle at the machine's pace: wait until every panel shows its series.
    const unsettled = async () => {
      const out: string[] = [];
      for (const v of views) {
        for (const p of panels) {
          const spec = v.want[p.key];
          if (spec?.kind !== 'values') continue;
          const keys = [...(await seriesOf(p, v.vars, spec.labels)).keys()].sort();
          if (JSON.stringify(keys) !== JSON.stringify([...spec.values.keys()].sort()))
            out.push(`${v.name}: ${p.key}: ${JSON.stringify(keys)}`);
        }
      }
      return out;
    };
    await pollUntil(unsettled, (u) => u.length === 0, 90_000, 2_000);

    const problems: string[] = [];
    let checked = 0;
    for (const v of views) {
      for (const p of panels) {
        const spec = v.want[p.key];
        if (spec?.kind !== 'values') {
          problems.push(`${v.name}: ${p.key}: no expectation`);
          continue;
        }
        try {
          const got = await seriesOf(p, v.vars, spec.labels);
          const keys = [...got.keys()].sort();
          const wantKeys = [...spec.values.keys()].sort();
          if (JSON.stringify(keys) !== JSON.stringify(wantKeys)) {
            problems.push(
              `${v.name}: ${p.key}: series ${JSON.stringify(keys)} != ${JSON.stringify(wantKeys)}`,
            );
            continue;
          }
          for (const [k, want] of spec.values) {
            const a = got.get(k)!;
            const tol = Math.max(Math.abs(want) * (spec.relTol ?? REL), spec.absTol ?? 1e-12);
            if (!(Math.abs(a - want) <= tol))
              problems.push(`${v.name}: ${p.key} [${k}]: got ${a}, expected ${want}`);
            checked++;
          }
        } catch (err) {
          problems.push(`${v.name}: ${p.key}: ${String(err)}`);
        }
      }
    }
    expect(problems, problems.join('\n')).toEqual([]);
    expect(checked).toBeGreaterThan(300);
  }, 180_000);

  it('the job variable filters the raw-reading panels by service', async () => {
    const f = figures();
    const unpriced = panelQueries().find(
      (p) => p.key === 'ai-margin-overview/Unpriced calls by model/A',
    )!;
    const sdk = panelQueries().find((p) => p.key === SDKS)!;
    const run = async (p: PanelQuery, vars: Record<string, string>, labels: string[]) =>
      byKey(await instantQuery(vm.url, substitute(p.expr, { ...RANGE, vars })), labels);
    const U = ['provider', 'model', 'reason'];
    expect(await run(unpriced, { job: STAGING_JOB }, U)).toEqual(f.staging.unpricedByModel);
    expect(await run(unpriced, { job: PROD_JOB }, U)).toEqual(f.prod.unpricedByModel);
    // A service in another environment than the one selected: nothing.
    expect((await run(unpriced, { job: STAGING_JOB, environment: 'prod' }, U)).size).toBe(0);
    const counts = await run(sdk, { job: PROD_JOB }, ['sdk']);
    expect([...counts.values()]).toEqual([REPLICAS, REPLICAS]);
    // Production and staging unpriced counts differ, so the filter is what tells them apart.
    expect(f.staging.unpricedByModel).not.toEqual(f.prod.unpricedByModel);
  });
});
