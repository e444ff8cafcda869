/**
 * Runs the demo end to end (provider simulator, real SDK clients, our instrumentations, the
 * MarginSpanProcessor) on a small scenario and checks every figure of its JSON report against the
 * independent expectation model (the demo's own hand-written price table).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { DemoJson } from '../src/demo/run-demo';
import { runDemo } from '../src/demo/run-demo';
import { generateScenario, type Scenario } from '../src/demo/scenario';
import { captureIO } from './helpers/capture-io';
import { computeExpectations, type Expectations } from './helpers/expectation';

const SEED = 7;
const CUSTOMERS = 40;

let json: DemoJson;
let scenario: Scenario;
let expected: Expectations;
let code: number;
let stderr: string;

beforeAll(async () => {
  scenario = generateScenario({ seed: SEED, customers: CUSTOMERS });
  expected = computeExpectations(scenario);
  const io = captureIO();
  code = await runDemo(['--json', '--seed', String(SEED), '--customers', String(CUSTOMERS)], io);
  stderr = io.err;
  json = JSON.parse(io.out) as DemoJson;
}, 120_000);

describe('ai-margin demo (small scenario)', () => {
  it('runs every call without failure and reports a plain progress line', () => {
    expect(code).toBe(0);
    expect(json.run.failedCalls).toBe(0);
    expect(json.run.calls).toBe(scenario.calls.length);
    expect(stderr).toMatch(/ai-margin demo: \d+ calls for 40 customers in [\d.]+ s/);
  });

  it('the scenario exercises the price change, the cliff and unpriced usage', () => {
    const cut = Date.parse('2025-06-10T00:00:00Z');
    const o3 = scenario.calls.filter((c) => c.model === 'o3');
    expect(o3.some((c) => c.at < cut)).toBe(true);
    expect(o3.some((c) => c.at >= cut)).toBe(true);
    const long = scenario.calls.filter((c) => c.model === 'gemini-2.5-pro');
    expect(long.length).toBeGreaterThan(0);
    for (const c of long) {
      expect(c.usage.input + c.usage.cacheRead + c.usage.cacheWrite5m).toBeGreaterThan(200_000);
    }
    expect(expected.unpricedRequests).toBeGreaterThan(0);
  });

  it('each customer cost, revenue and request count match the expectation model (1e-6 USD)', () => {
    const rows = new Map(json.report.customers.map((c) => [c.customerId, c]));
    expect(rows.size).toBe(expected.customers.size);
    for (const e of expected.customers.values()) {
      const row = rows.get(e.customerId);
      expect(row, e.customerId).toBeDefined();
      if (!row) continue;
      expect(Math.abs(row.costUsd - e.costUsd), `${e.customerId} cost`).toBeLessThan(1e-6);
      expect(Math.abs(row.revenueUsd - e.revenueUsd), `${e.customerId} revenue`).toBeLessThan(1e-6);
      expect(row.requests, `${e.customerId} requests`).toBe(e.requests);
      e.monthlyCostUsd.forEach((v, i) => {
        expect(
          Math.abs((row.monthlyCostUsd[i] ?? Number.NaN) - v),
          `${e.customerId} month ${i}`,
        ).toBeLessThan(1e-6);
      });
      e.monthlyRevenueUsd.forEach((v, i) => {
        expect(Math.abs((row.monthlyRevenueUsd[i] ?? Number.NaN) - v)).toBeLessThan(1e-6);
      });
    }
  });

  it('totals, cost per model and per feature match; the OTel path agrees with prom-client', () => {
    const t = json.report.totals;
    expect(Math.abs(t.costUsd - expected.totalCostUsd)).toBeLessThan(1e-6 * CUSTOMERS);
    expect(Math.abs(t.revenueUsd - expected.totalRevenueUsd)).toBeLessThan(1e-6 * CUSTOMERS);
    expect(t.unpricedRequests).toBe(expected.unpricedRequests);
    expect(t.requests).toBe(scenario.calls.length);
    for (const [model, cost] of expected.costByModel) {
      const row = json.report.models.find((m) => m.model === model);
      expect(row, model).toBeDefined();
      expect(Math.abs((row?.costUsd ?? 0) - cost), model).toBeLessThan(1e-6 * CUSTOMERS);
    }
    for (const [feature, cost] of expected.costByFeature) {
      const row = json.report.features.find((f) => f.feature === feature);
      expect(Math.abs((row?.costUsd ?? 0) - cost), feature).toBeLessThan(1e-6 * CUSTOMERS);
    }
    expect(Math.abs(json.otel.costUsd - expected.totalCostUsd)).toBeLessThan(1e-6 * CUSTOMERS);
    expect(json.otel.requests).toBe(scenario.calls.length);
  });

  it('lists exactly the customers under water, the long-context one with its cliff', () => {
    const expectedUnder = [...expected.customers.values()]
      .filter((e) => e.revenueUsd - e.costUsd < 0)
      .map((e) => e.customerId)
      .sort();
    expect(json.report.underWater.map((c) => c.customerId).sort()).toEqual(expectedUnder);
    const longContext = scenario.customers.find((c) => c.segment === 'long-context');
    const row = json.report.underWater.find((c) => c.customerId === longContext?.id);
    expect(row, 'long-context customer under water').toBeDefined();
    expect(row?.topModel?.model).toBe('gemini-2.5-pro');
    expect(row?.why?.join(' ')).toMatch(/past the 200k long-context cliff/);
  });

  it('the unpriced model is reported, not priced at $0 in silence', () => {
    expect(json.report.unpriced).toEqual([
      expect.objectContaining({
        model: 'acme-llama-3.1-70b-ft',
        requests: expected.unpricedRequests,
      }),
    ]);
  });
});
