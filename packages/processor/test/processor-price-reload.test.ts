/**
 * The processor's `prices` files change while it runs: a valid edit prices the next call with
 * the new price (no restart), a broken edit keeps the last good book and is counted, and the
 * price book's version, newest price and reloads are exported on both metric paths.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { METRICS } from '@ai-margin/conventions';
import { PriceBook, ReloadingPriceBook } from '@ai-margin/processor';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Harness, harness, otelSamples, promSamples } from './helpers/processor';

const AT = Date.UTC(2026, 10, 20, 12, 0, 0);
const MODEL = 'reload-model';

/** A user price file: one model, input/output USD per 1M tokens, from 2026-01-01. */
function priceFile(input: number, output: number): string {
  return JSON.stringify({
    providers: [
      {
        provider: 'openai',
        currency: 'USD',
        models: [
          {
            id: MODEL,
            periods: [
              { effectiveFrom: '2026-01-01', prices: { input, output }, source: 'test: by hand' },
            ],
          },
        ],
      },
    ],
  });
}

const CALL = {
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'openai',
  'gen_ai.request.model': MODEL,
  'gen_ai.usage.input_tokens': 1000,
  'gen_ai.usage.output_tokens': 500,
  'ai_margin.customer_id': 'acme',
  'ai_margin.feature': 'chat',
};

function costOf(h: Harness, at = AT): unknown {
  return h.span('chat', at, CALL).attributes['gen_ai.usage.cost.amount'];
}

let dir: string;
let file: string;
let h: Harness;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ai-margin-reload-'));
  file = join(dir, 'prices.json');
  writeFileSync(file, priceFile(2, 8));
});

afterEach(async () => {
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('MarginSpanProcessor with reloading price files', () => {
  it('prices with an edited file after reloadPrices(), and keeps the last good book on a bad edit', async () => {
    h = harness({ prices: [file] });
    // 1000 x $2/1M + 500 x $8/1M
    expect(costOf(h)).toBeCloseTo(0.006, 12);

    writeFileSync(file, priceFile(1, 4));
    expect(h.processor.reloadPrices()).toMatchObject({ result: 'ok' });
    // 1000 x $1/1M + 500 x $4/1M
    expect(costOf(h)).toBeCloseTo(0.003, 12);

    writeFileSync(file, '{"providers": [ not json');
    expect(h.processor.reloadPrices()).toMatchObject({ result: 'failed', reason: 'invalid' });
    expect(costOf(h)).toBeCloseTo(0.003, 12);

    const { samples } = await promSamples(h.registry);
    const reloads = samples.filter((s) => s.name === METRICS.priceBookReloads.promName);
    const value = (result: string, reason: string) =>
      reloads.find((s) => s.labels.result === result && s.labels.reason === reason)?.value;
    expect(value('ok', '')).toBe(1);
    expect(value('failed', 'invalid')).toBe(1);
    expect(value('failed', 'unreadable')).toBe(0);
  });

  it('re-reads the files on the interval without being asked', async () => {
    h = harness({ prices: [file], priceReloadIntervalMs: 20 });
    expect(costOf(h)).toBeCloseTo(0.006, 12);
    writeFileSync(file, priceFile(4, 16));
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline && costOf(h) !== 0.012) {
      await new Promise((r) => setTimeout(r, 20));
    }
    // 1000 x $4/1M + 500 x $16/1M
    expect(costOf(h)).toBeCloseTo(0.012, 12);
  });

  it('exports the version and newest price date of the book in force on both paths', async () => {
    h = harness({ prices: [file] });
    const book = new ReloadingPriceBook({ files: [file] });
    const { version, newestPriceDate, newestPriceMs } = book.info();
    book.close();

    const { samples } = await promSamples(h.registry);
    const info = samples.find((s) => s.name === METRICS.priceBookInfo.promName);
    expect(info?.labels).toEqual({ version, newest_price_date: newestPriceDate });
    expect(info?.value).toBe(1);
    const newest = samples.find((s) => s.name === METRICS.priceBookNewestPrice.promName);
    expect(newest?.value).toBe((newestPriceMs as number) / 1000);

    const otel = await otelSamples(h);
    const otelInfo = otel.find((s) => s.name === METRICS.priceBookInfo.otelName);
    expect(otelInfo?.labels).toMatchObject({ version });
  });

  it('describes a given PriceBook too (its content hash as version; reload is a no-op)', async () => {
    const book = PriceBook.load({
      includeShipped: false,
      userFiles: [{ name: 'p.json', data: priceFile(2, 8) }],
    });
    h = harness({ prices: book });
    expect(h.processor.reloadPrices()).toMatchObject({ result: 'unchanged' });
    const { samples } = await promSamples(h.registry);
    const info = samples.find((s) => s.name === METRICS.priceBookInfo.promName);
    expect(info?.labels.version).toMatch(/^[0-9a-f]{12}$/);
    expect(info?.labels.newest_price_date).toBe('2026-01-01');
  });
});
