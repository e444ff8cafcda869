/**
 * Environment and namespace on the scrape path (prom-client `/metrics`), where OTel resource
 * attributes do not exist: the real MarginSpanProcessor's registry served over HTTP, scraped by a
 * real Prometheus 2.53 and by a real vmagent (same scrape config) remote-writing to a real
 * VictoriaMetrics. Two documented ways, one target each:
 *
 *   prod     target labels in the scrape config (`static_configs[].labels`)
 *   staging  `registry.setDefaultLabels({...})` in the service (prom-client adds them to every
 *            series of the registry, the processor's included)
 *
 * and what happens when both name the same label (the scrape config wins; the service's value is
 * kept as `exported_<label>`). Figures come from test/support/fleet-calls.ts.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVictoriaMetrics, type VictoriaMetrics } from '../support/backends';
import {
  type FleetProcessor,
  fleetProcessor,
  PRIME_CALLS,
  TOTALS,
  WINDOW_CALLS,
} from '../support/fleet-calls';
import { pollUntil } from '../support/proc';
import { byKey, instantQuery } from '../support/promql';
import { type Server, startPrometheus } from '../support/servers';
import { startVmagent } from '../support/vmagent';

const REL = 1e-9;

interface Target {
  fleet: FleetProcessor;
  http: HttpServer;
  host: string;
}

/** A processor whose registry is served on `/metrics`, as a service does with prom-client. */
async function serve(defaultLabels?: Record<string, string>): Promise<Target> {
  const registry = new Registry();
  if (defaultLabels) registry.setDefaultLabels(defaultLabels);
  const fleet = fleetProcessor({ registry, meterProvider: false });
  const http = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (err: unknown) => res.writeHead(500).end(String(err)),
    );
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  return { fleet, http, host: `127.0.0.1:${(http.address() as AddressInfo).port}` };
}

let prod: Target;
let staging: Target;
let both: Target;
let prom: Server;
let vm: VictoriaMetrics;
let agent: Server;

/** Prime calls alone, cost by customer|feature|model (hand-computed in fleet-calls.ts). */
const PRIME_COST = {
  'acme|chat|test-gpt': 0.000265,
  'acme|search|test-claude': 0.000225,
  'globex|chat|test-gpt': 0.0000485,
};
const sum = (o: Readonly<Record<string, number>>) => Object.values(o).reduce((a, b) => a + b, 0);

function expectClose(actual: number | undefined, want: number, what: string): void {
  if (actual === undefined) throw new Error(`${what}: no value (expected ${want})`);
  if (Math.abs(actual - want) > Math.abs(want) * REL)
    throw new Error(`${what}: got ${actual}, expected ${want}`);
}

beforeAll(async () => {
  prod = await serve();
  prod.fleet.run([...PRIME_CALLS, ...WINDOW_CALLS]);
  staging = await serve({ service_namespace: 'shop', deployment_environment_name: 'staging' });
  staging.fleet.run(PRIME_CALLS);
  both = await serve({ deployment_environment_name: 'staging' });
  both.fleet.run(PRIME_CALLS);

  const config = [
    'global:',
    '  scrape_interval: 1s',
    'scrape_configs:',
    '  - job_name: checkout',
    '    static_configs:',
    `      - targets: ['${prod.host}']`,
    '        labels:',
    '          service_namespace: shop',
    '          deployment_environment_name: prod',
    '          cluster: eu-1',
    `      - targets: ['${staging.host}']`,
    '  - job_name: conflict',
    '    static_configs:',
    `      - targets: ['${both.host}']`,
    '        labels:',
    '          deployment_environment_name: prod',
    '',
  ].join('\n');
  prom = await startPrometheus(config);
  vm = await startVictoriaMetrics();
  agent = await startVmagent({
    remoteWrite: [{ url: `${vm.url}/api/v1/write` }],
    flags: [`-promscrape.config=${prom.dir}/prometheus.yml`],
  });
  for (const base of [prom.url, vm.url]) {
    const n = await pollUntil(
      () => instantQuery(base, 'sum(ai_margin_requests_total)', undefined, { noCache: true }),
      (r) => r[0]?.value === 7 + 3 + 3,
      30_000,
    );
    if (n[0]?.value !== 13) throw new Error(`${base}: scrape incomplete: ${JSON.stringify(n)}`);
  }
}, 90_000);

afterAll(async () => {
  await agent?.stop();
  await vm?.stop();
  await prom?.stop();
  for (const t of [prod, staging, both]) {
    await new Promise((r) => t?.http.close(r));
    await t?.fleet.shutdown();
  }
});

for (const scraper of ['Prometheus', 'vmagent -> VictoriaMetrics'] as const) {
  describe(`scraped by ${scraper}`, () => {
    const base = () => (scraper === 'Prometheus' ? prom.url : vm.url);
    const q = (query: string) => instantQuery(base(), query, undefined, { noCache: true });

    it('target labels and setDefaultLabels both give the environment label; environments do not mix', async () => {
      const cost = byKey(
        await q(
          'sum by (job, deployment_environment_name, service_namespace, cluster) (ai_margin_cost_usd_total)',
        ),
        ['job', 'deployment_environment_name', 'service_namespace', 'cluster'],
      );
      expect([...cost.keys()].sort()).toEqual(
        ['checkout|prod|shop|eu-1', 'checkout|staging|shop|', 'conflict|prod||'].sort(),
      );
      expectClose(cost.get('checkout|prod|shop|eu-1'), sum(TOTALS.cost), 'prod');
      expectClose(cost.get('checkout|staging|shop|'), sum(PRIME_COST), 'staging');
    });

    it('per-series figures, job and instance from the scrape', async () => {
      const prodCost = await q(
        'ai_margin_cost_usd_total{deployment_environment_name="prod",job="checkout"}',
      );
      for (const s of prodCost) expect(s.metric.instance).toBe(prod.host);
      const got = byKey(prodCost, ['customer_id', 'feature', 'model']);
      expect([...got.keys()].sort()).toEqual(Object.keys(TOTALS.cost).sort());
      for (const [k, v] of Object.entries(TOTALS.cost)) expectClose(got.get(k), v, `prod ${k}`);
      const stagingCost = await q(
        'ai_margin_cost_usd_total{deployment_environment_name="staging"}',
      );
      for (const s of stagingCost) expect(s.metric.instance).toBe(staging.host);
      const st = byKey(stagingCost, ['customer_id', 'feature', 'model']);
      for (const [k, v] of Object.entries(PRIME_COST)) expectClose(st.get(k), v, `staging ${k}`);
    });

    it('both set: the scrape config wins, the service value is kept as exported_<label>', async () => {
      const r = await q('ai_margin_customer_mrr_usd{job="conflict"}');
      expect(r.length).toBe(2);
      for (const s of r) {
        expect(s.metric.deployment_environment_name).toBe('prod');
        expect(s.metric.exported_deployment_environment_name).toBe('staging');
      }
    });
  });
}
