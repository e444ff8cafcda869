/**
 * `ai-margin whatif --url` against a real VictoriaMetrics holding the hand-made January 2026
 * history of whatif-fixtures.ts as hourly counter samples (each cell's usage lands at noon of its
 * day). The window 2026-01-01..2026-01-30 is 30 days, so each customer's MRR gauge earns exactly
 * one month. Expected figures: worked out by hand in whatif-replay.test.ts.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  importPrometheusText,
  startVictoriaMetrics,
  type VictoriaMetrics,
} from '../../../test/support/backends';
import { run } from '../src/commands/whatif';
import type { WhatifJson } from '../src/whatif/run';
import { BUCKETS } from '../src/whatif/types';
import { captureIO } from './helpers/capture-io';
import { BOOK_DATA, history } from './helpers/whatif-fixtures';

const HOUR = 3600_000;
const START = Date.UTC(2025, 11, 31); // counters at 0 from 2025-12-31
const END = Date.UTC(2026, 1, 1);

function exposition(): string {
  const h = history(true);
  const series = new Map<string, { labels: string; steps: { at: number; inc: number }[] }>();
  const add = (name: string, labels: Record<string, string>, day: string, inc: number) => {
    if (inc === 0) return;
    const l = Object.entries(labels)
      .map(([k, v]) => `${k}="${v}"`)
      .join(',');
    const key = `${name}{${l}}`;
    const s = series.get(key) ?? { labels: key, steps: [] };
    s.steps.push({ at: Date.parse(`${day}T12:00:00Z`), inc });
    series.set(key, s);
  };
  for (const c of h.cells) {
    const base = {
      customer_id: c.customer,
      feature: c.feature,
      provider: c.provider,
      model: c.model,
    };
    for (const b of BUCKETS)
      add('ai_margin_tokens_total', { ...base, token_type: b }, c.day, c.tokens[b]);
    add('ai_margin_cost_usd_total', { ...base, cost_type: 'llm' }, c.day, c.costUsd);
    add('ai_margin_requests_total', { ...base, priced: 'true' }, c.day, c.requests);
    for (const band of c.bands ?? []) {
      for (const b of BUCKETS)
        add(
          'ai_margin_long_context_tokens_total',
          { ...base, token_type: b, context_above: String(band.above) },
          c.day,
          band.tokens[b],
        );
    }
  }
  for (const r of h.revenue)
    add(
      'ai_margin_revenue_usd_total',
      { customer_id: r.customer, feature: r.feature, revenue_type: r.revenueType },
      r.day,
      r.usd,
    );
  const lines: string[] = [];
  for (const s of series.values()) {
    for (let t = START; t <= END; t += HOUR) {
      const v = s.steps.filter((x) => x.at <= t).reduce((a, x) => a + x.inc, 0);
      lines.push(`${s.labels} ${v} ${t}`);
    }
  }
  for (const sub of h.subscriptions) {
    for (let t = START; t <= END; t += HOUR) {
      lines.push(
        `ai_margin_customer_mrr_usd{customer_id="${sub.customer}",plan="${sub.plan}"} ${sub.usd} ${t}`,
      );
      lines.push(
        `ai_margin_customer_info{customer_id="${sub.customer}",plan="${sub.plan}",customer_cohort="2025-11",customer_age_month="2",segment="smb"} 1 ${t}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

let vm: VictoriaMetrics;
let dir: string;

beforeAll(async () => {
  vm = await startVictoriaMetrics();
  await importPrometheusText(vm.url, exposition());
  dir = mkdtempSync(join(tmpdir(), 'whatif-vm-'));
  writeFileSync(join(dir, 'prices.json'), JSON.stringify(BOOK_DATA));
}, 120_000);

afterAll(async () => {
  await vm?.stop();
});

async function whatif(levers: string): Promise<WhatifJson> {
  const file = join(dir, `s${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, `name: vm test\nlevers:\n${levers}`);
  const io = captureIO();
  const code = await run(
    [
      '--url',
      vm.url,
      '--from',
      '2026-01-01',
      '--to',
      '2026-01-30',
      '--prices',
      join(dir, 'prices.json'),
      '--scenario',
      file,
      '--json',
    ],
    io,
  );
  expect(io.err).toBe('');
  expect(code).toBe(0);
  return JSON.parse(io.out) as WhatifJson;
}

const cents = (x: number) => Math.round(x * 100) / 100;

function figures(j: WhatifJson) {
  return Object.fromEntries(
    (j.whatif?.customers ?? []).map((c) => [
      c.customer,
      {
        before: [cents(c.before.revenueUsd), cents(c.before.costUsd), cents(c.before.marginUsd)],
        after: [cents(c.after.revenueUsd), cents(c.after.costUsd), cents(c.after.marginUsd)],
      },
    ]),
  );
}

describe('ai-margin whatif --url (VictoriaMetrics)', () => {
  it('the empty scenario gives the observed history', async () => {
    const j = await whatif('');
    expect(figures(j)).toEqual({
      alice: { before: [50, 26, 24], after: [50, 26, 24] },
      bob: { before: [51, 1.46, 49.54], after: [51, 1.46, 49.54] },
      carol: { before: [10, 39, -29], after: [10, 39, -29] },
    });
    expect(j.whatif?.from).toBe('2026-01-01');
    expect(j.whatif?.to).toBe('2026-01-30');
  });

  it('routing + plan price + caps: the hand-checked figures', async () => {
    const j = await whatif(
      [
        '  - route: { feature: chat, from: acme/big, to: acme/small, plans: [starter] }',
        '  - plan_price: { plan: team, usd: 60 }',
        '  - cap: { plan: starter, monthly_tokens: 2000000, over: cut }',
        '  - cap: { plan: team, monthly_tokens: 2500000, over: overage, usd_per_million: 4 }',
        '',
      ].join('\n'),
    );
    expect(figures(j)).toEqual({
      alice: { before: [50, 26, 24], after: [63.2, 26, 37.2] },
      bob: { before: [51, 1.46, 49.54], after: [61, 1.46, 59.54] },
      carol: { before: [10, 39, -29], after: [10, 2.18, 7.82] },
    });
    expect(j.whatif?.signChanges.nowPositive).toEqual(['carol']);
  });

  it('reads the long-context bands: the cliff-crossing call is priced exactly on the target', async () => {
    const j = await whatif('  - route: { feature: summarise, to: acme/wide }\n');
    expect(figures(j).bob?.after).toEqual([51, 0.73, 50.27]);
    expect(j.whatif?.cliffUpperBound).toBe(false);
  });
});
