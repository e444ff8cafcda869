import { costReportHandlers, type ProviderSim, startProviderSim } from '@ai-margin/provider-sim';
import {
  fetchAnthropicCostPages,
  fetchOpenAICostPages,
  readOpenAICosts,
} from '@ai-margin/reconcile';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const DAY = 86_400;
const T0 = Date.UTC(2026, 10, 20) / 1000;
const bucket = (i: number, value: number) => ({
  start_time: T0 + i * DAY,
  end_time: T0 + (i + 1) * DAY,
  results: [
    {
      object: 'organization.costs.result',
      amount: { value, currency: 'usd' },
      line_item: 'gpt-4o-2024-08-06, output',
    },
  ],
});

let sim: ProviderSim;
beforeAll(async () => {
  sim = await startProviderSim({
    handlers: costReportHandlers(
      {
        openaiCosts: [bucket(0, 1), bucket(1, 2), bucket(2, 4), bucket(3, 8)],
        anthropicCosts: [
          { starting_at: '2026-11-20T00:00:00Z', ending_at: '2026-11-21T00:00:00Z', results: [] },
          { starting_at: '2026-11-21T00:00:00Z', ending_at: '2026-11-22T00:00:00Z', results: [] },
        ],
      },
      { maxPageSize: 1 },
    ),
  });
});
afterAll(async () => {
  await sim?.close();
});

describe('live cost fetchers (local provider server)', () => {
  it('follows next_page until has_more is false and asks only for the requested days', async () => {
    const pages = await fetchOpenAICostPages({
      apiKey: 'sk-admin-x',
      from: '2026-11-21',
      to: '2026-11-23',
      baseUrl: sim.url,
    });
    expect(pages).toHaveLength(3);
    expect(pages.map((p) => (p as { has_more: boolean }).has_more)).toEqual([true, true, false]);
    const out = readOpenAICosts(pages.map((p) => JSON.stringify(p)).join('\n'), 'fetched');
    expect(out.lines.map((l) => [l.day, l.usd])).toEqual([
      ['2026-11-21', 2],
      ['2026-11-22', 4],
      ['2026-11-23', 8],
    ]);
    const anthropic = await fetchAnthropicCostPages({
      apiKey: 'sk-ant-admin-x',
      from: '2026-11-20',
      to: '2026-11-21',
      baseUrl: sim.url,
    });
    expect(anthropic).toHaveLength(2);
  });

  it('an HTTP error names the endpoint and status', async () => {
    await expect(
      fetchOpenAICostPages({ apiKey: '', from: '2026-11-20', to: '2026-11-20', baseUrl: sim.url }),
    ).rejects.toThrow(`GET ${sim.url}/v1/organization/costs failed: HTTP 401`);
  });
});
