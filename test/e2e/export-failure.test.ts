/**
 * A failing export loses nothing the SDK still holds: the example service starts while its OTLP
 * endpoint (a VictoriaMetrics port) is down, serves calls, and only then VictoriaMetrics starts
 * on that port. The processor's counters are cumulative, so the next successful export carries
 * every call made while the backend was down.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ProviderSim, startProviderSim } from '@ai-margin/provider-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVictoriaMetrics, type VictoriaMetrics } from '../support/backends';
import { freePort, pollUntil, sleep } from '../support/proc';
import { byKey, instantQuery } from '../support/promql';
import {
  type Call,
  customersFile,
  expectedFor,
  PHASE1_CALLS,
  priceFile,
  promptOf,
  REVENUE_RULES,
  usageScript,
} from '../support/scenario';
import { type Service, startService } from '../support/service';

const EXPORT_INTERVAL_MS = 500;

let sim: ProviderSim;
let service: Service;
let vm: VictoriaMetrics | undefined;
let dir: string;
let port: number;

async function callService(c: Call): Promise<void> {
  const url = `${service.url}/${c.route}?account=${c.customer}&model=${c.model}`;
  const r = await fetch(url, { method: 'POST', body: JSON.stringify({ prompt: promptOf(c) }) });
  if (!r.ok) throw new Error(`${url} -> ${r.status} ${await r.text()}`);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ai-margin-e2e-down-'));
  // Price change a day away: every call here is priced at phase-1 prices.
  writeFileSync(
    join(dir, 'prices.json'),
    JSON.stringify(priceFile(new Date(Date.now() + 86_400_000))),
  );
  writeFileSync(join(dir, 'customers.json'), JSON.stringify(customersFile(new Date())));
  writeFileSync(join(dir, 'revenue-rules.json'), JSON.stringify(REVENUE_RULES));
  sim = await startProviderSim({ script: usageScript });
  // A port nothing listens on yet: VictoriaMetrics comes up on it later.
  port = await freePort();
  service = await startService({
    OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `http://127.0.0.1:${port}/opentelemetry/v1/metrics`,
    OTEL_METRIC_EXPORT_INTERVAL: String(EXPORT_INTERVAL_MS),
    OPENAI_BASE_URL: `${sim.url}/v1`,
    ANTHROPIC_BASE_URL: sim.url,
    AI_MARGIN_PRICES: join(dir, 'prices.json'),
    AI_MARGIN_CUSTOMERS: join(dir, 'customers.json'),
    AI_MARGIN_REVENUE_RULES: join(dir, 'revenue-rules.json'),
  });
}, 60_000);

afterAll(async () => {
  await service?.stop();
  await vm?.stop();
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('export while the backend is down, then up', () => {
  it('the calls made while VictoriaMetrics was down arrive once it starts', async () => {
    const whileDown = PHASE1_CALLS.slice(0, 6);
    const afterUp = PHASE1_CALLS.slice(6);
    for (const c of whileDown) await callService(c);
    // Several export attempts fail against the closed port.
    await sleep(EXPORT_INTERVAL_MS * 4);
    expect(
      await fetch(`http://127.0.0.1:${port}/health`).then(
        () => 'up',
        () => 'down',
      ),
    ).toBe('down');

    const upAt = Date.now();
    vm = await startVictoriaMetrics({ flags: [`-httpListenAddr=127.0.0.1:${port}`] });
    const want = expectedFor(whileDown);
    const caughtUp = await pollUntil(
      () => instantQuery(`http://127.0.0.1:${port}`, 'sum(ai_margin_requests_total)'),
      (r) => r[0]?.value === whileDown.length,
      45_000,
    );
    expect(caughtUp[0]?.value, `service log:\n${service.proc.log()}`).toBe(whileDown.length);
    const base = `http://127.0.0.1:${port}`;
    const cost = byKey(
      await instantQuery(base, 'sum by (customer_id) (ai_margin_cost_usd_total)'),
      ['customer_id'],
    );
    for (const [id, v] of want.costByCustomer) expect(cost.get(id)).toBeCloseTo(v, 12);
    // VictoriaMetrics started with empty storage, so all of this arrived after it came up (the
    // samples may carry the timestamp of a collection the exporter was still retrying).
    console.info(
      `export-failure: all ${whileDown.length} calls made while down arrived ${Date.now() - upAt} ms after VictoriaMetrics started`,
    );

    // And the service keeps exporting: later calls add on top.
    for (const c of afterUp) await callService(c);
    const all = expectedFor(PHASE1_CALLS);
    const total = await pollUntil(
      () => instantQuery(base, 'sum(ai_margin_requests_total)'),
      (r) => r[0]?.value === PHASE1_CALLS.length,
      45_000,
    );
    expect(total[0]?.value).toBe(PHASE1_CALLS.length);
    const costAll = byKey(
      await instantQuery(base, 'sum by (customer_id) (ai_margin_cost_usd_total)'),
      ['customer_id'],
    );
    for (const [id, v] of all.costByCustomer) expect(costAll.get(id)).toBeCloseTo(v, 12);
  }, 90_000);
});
