import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ageInMonths, type CustomerList, cohortOf } from '@ai-margin/processor';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Harness, harness, pick, promSamples } from './helpers/processor';

describe('customer directory -> MRR and info gauges', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    vi.useRealTimers();
    await h?.close();
    h = undefined;
  });

  it('exports MRR and info (cohort, age in whole months at collection, segment) from a static map', async () => {
    let now = Date.UTC(2025, 8, 10, 12, 0, 0); // 2025-09-10
    h = harness({
      clock: () => now,
      customers: {
        acme: { plan: 'pro', mrrUsd: 499, signupDate: '2025-03-15', segment: 'smb' },
        globex: { plan: 'enterprise', mrrUsd: 12_000, signupDate: '2025-09-01T08:00:00Z' },
        trial: { signupDate: 'not a date' },
      },
    });
    let prom = await promSamples(h.registry);
    expect(pick(prom.samples, 'ai_margin_customer_mrr_usd', { customer_id: 'acme' })).toEqual({
      name: 'ai_margin_customer_mrr_usd',
      labels: { customer_id: 'acme', plan: 'pro' },
      value: 499,
    });
    expect(pick(prom.samples, 'ai_margin_customer_mrr_usd', { customer_id: 'globex' }).value).toBe(
      12_000,
    );
    expect(
      prom.samples.some(
        (s) => s.name === 'ai_margin_customer_mrr_usd' && s.labels.customer_id === 'trial',
      ),
    ).toBe(false);
    expect(pick(prom.samples, 'ai_margin_customer_info', { customer_id: 'acme' })).toEqual({
      name: 'ai_margin_customer_info',
      labels: {
        customer_id: 'acme',
        plan: 'pro',
        customer_cohort: '2025-03',
        customer_age_month: '5', // 2025-03-15 -> 2025-09-10: 5 whole months
        segment: 'smb',
      },
      value: 1,
    });
    expect(
      pick(prom.samples, 'ai_margin_customer_info', { customer_id: 'globex' }).labels,
    ).toMatchObject({
      customer_cohort: '2025-09',
      customer_age_month: '0',
      segment: 'unknown',
    });
    expect(
      pick(prom.samples, 'ai_margin_customer_info', { customer_id: 'trial' }).labels,
    ).toMatchObject({
      plan: 'unknown',
      customer_cohort: 'unknown',
      customer_age_month: 'unknown',
    });

    // Age rolls over exactly at the signup day-of-month and time.
    now = Date.UTC(2025, 8, 14, 23, 59, 59, 999);
    prom = await promSamples(h.registry);
    expect(
      pick(prom.samples, 'ai_margin_customer_info', { customer_id: 'acme' }).labels
        .customer_age_month,
    ).toBe('5');
    now = Date.UTC(2025, 8, 15, 0, 0, 0, 0);
    prom = await promSamples(h.registry);
    expect(
      pick(prom.samples, 'ai_margin_customer_info', { customer_id: 'acme' }).labels
        .customer_age_month,
    ).toBe('6');
  });

  it('computes ages across month ends and years', () => {
    const jan31 = Date.UTC(2025, 0, 31, 10);
    expect(ageInMonths(jan31, Date.UTC(2025, 1, 28, 23, 59))).toBe(0);
    expect(ageInMonths(jan31, Date.UTC(2025, 2, 1))).toBe(1);
    expect(ageInMonths(Date.UTC(2024, 11, 5), Date.UTC(2025, 0, 5))).toBe(1);
    expect(ageInMonths(Date.UTC(2024, 11, 5), Date.UTC(2026, 0, 4))).toBe(12);
    expect(ageInMonths(Date.UTC(2025, 5, 1), Date.UTC(2025, 0, 1))).toBe(0);
    expect(cohortOf(Date.UTC(2025, 0, 1))).toBe('2025-01');
    expect(cohortOf(Date.UTC(2024, 11, 31, 23, 59, 59, 999))).toBe('2024-12');
  });

  it('refreshes from an async loader, keeps the last good data when a refresh fails', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const versions: Array<CustomerList | Error> = [
      [{ id: 'a', plan: 'free', mrrUsd: 0 }],
      [
        { id: 'a', plan: 'pro', mrrUsd: 99 },
        { id: 'b', plan: 'pro', mrrUsd: 99 },
      ],
      new Error('billing API down'),
    ];
    let calls = 0;
    h = harness({
      customers: {
        refreshIntervalMs: 60_000,
        load: async () => {
          const v = versions[Math.min(calls++, versions.length - 1)] as CustomerList | Error;
          if (v instanceof Error) throw v;
          return v;
        },
      },
    });
    await h.processor.customers.ready;
    let prom = await promSamples(h.registry);
    expect(pick(prom.samples, 'ai_margin_customer_mrr_usd', { customer_id: 'a' }).labels.plan).toBe(
      'free',
    );

    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toBe(2);
    prom = await promSamples(h.registry);
    expect(pick(prom.samples, 'ai_margin_customer_mrr_usd', { customer_id: 'a' })).toMatchObject({
      labels: { plan: 'pro' },
      value: 99,
    });
    expect(pick(prom.samples, 'ai_margin_customer_mrr_usd', { customer_id: 'b' }).value).toBe(99);

    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toBe(3);
    prom = await promSamples(h.registry);
    expect(prom.samples.filter((s) => s.name === 'ai_margin_customer_mrr_usd')).toHaveLength(2);

    // shutdown stops the timer.
    await h.processor.shutdown();
    await vi.advanceTimersByTimeAsync(180_000);
    expect(calls).toBe(3);
  });

  it('reads a JSON file (array form) and re-reads it on refresh()', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ai-margin-customers-'));
    const file = join(dir, 'customers.json');
    try {
      writeFileSync(file, JSON.stringify([{ id: 'x', plan: 'team', mrrUsd: 30, segment: 'edu' }]));
      h = harness({ customers: { file } });
      await h.processor.customers.ready;
      let prom = await promSamples(h.registry);
      expect(
        pick(prom.samples, 'ai_margin_customer_info', { customer_id: 'x' }).labels.segment,
      ).toBe('edu');
      writeFileSync(file, '{ not json');
      expect(await h.processor.customers.refresh()).toBe(false);
      prom = await promSamples(h.registry);
      expect(pick(prom.samples, 'ai_margin_customer_mrr_usd', { customer_id: 'x' }).value).toBe(30);
      writeFileSync(file, JSON.stringify({ x: { plan: 'team', mrrUsd: 60 } }));
      expect(await h.processor.customers.refresh()).toBe(true);
      prom = await promSamples(h.registry);
      expect(pick(prom.samples, 'ai_margin_customer_mrr_usd', { customer_id: 'x' }).value).toBe(60);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
