/** PriceBook: loading, merging, resolution at an instant, listing, and the shipped data. */
import { PriceBook } from '@ai-margin/processor';
import * as pricesEntry from '@ai-margin/processor/prices';
import { describe, expect, it } from 'vitest';
import { at, fixture, fixtureBook } from './helpers/price-fixtures';

const book = fixtureBook();

describe('PriceBook.lookup', () => {
  it('finds the period in force with its reference and raw prices', () => {
    const r = book.lookup('openai', 'o3', at('2025-05-01T12:00:00Z'));
    expect(r.found).toBe(true);
    if (!r.found) return;
    expect(r.price.provider).toBe('openai');
    expect(r.price.model).toBe('o3-2025-04-16');
    expect(r.price.period.prices).toEqual({ input: 10, output: 40, cacheRead: 2.5 });
    expect(r.price.ref).toEqual({
      id: 'openai/o3-2025-04-16@2025-04-16T00:00:00.000Z',
      provider: 'openai',
      model: 'o3-2025-04-16',
      effectiveFrom: '2025-04-16T00:00:00.000Z',
      effectiveTo: '2025-06-10T00:00:00.000Z',
      source: 'fixture: launch (listed second on purpose: periods are sorted at load)',
    });
    expect(r.discountPercent).toBeUndefined();
    expect(r.geo).toBeUndefined();
  });

  it('a date effectiveFrom means midnight UTC', () => {
    expect(book.lookup('openai', 'o3', at('2025-04-15T23:59:59.999Z')).found).toBe(false);
    expect(book.lookup('openai', 'o3', at('2025-04-16T00:00:00.000Z')).found).toBe(true);
    // 2025-04-16T01:00+02:00 is 2025-04-15T23:00Z: before launch
    expect(book.lookup('openai', 'o3', at('2025-04-16T01:00:00+02:00')).found).toBe(false);
  });

  it('resolves provider aliases', () => {
    const a = book.lookup('azure.ai.openai', 'gpt-5', at('2025-09-01T00:00:00Z'));
    const b = book.lookup('gcp.vertex_ai', 'gemini-2.5-pro', at('2025-09-01T00:00:00Z'));
    expect(a.found && a.price.model).toBe('gpt-5-2025-08-07');
    expect(a.found && a.price.provider).toBe('openai');
    expect(b.found && b.price.provider).toBe('gcp.gemini');
  });

  it('unknown provider / model / instant give reasons, not exceptions', () => {
    expect(book.lookup('nope', 'x', 0)).toMatchObject({ found: false, reason: 'unknown_model' });
    expect(book.lookup('openai', 'x', 0)).toMatchObject({ found: false, reason: 'unknown_model' });
    expect(book.lookup('openai', 'o3', 0)).toMatchObject({ found: false, reason: 'no_period' });
    expect(book.lookup('openai', 'o3', Number.NaN)).toMatchObject({
      found: false,
      reason: 'no_period',
    });
  });

  it('returns the geo prefix and the discount when they apply', () => {
    const r = book.lookup(
      'aws.bedrock',
      'jp.anthropic.claude-3-haiku-20240307-v1:0',
      at('2025-01-01T00:00:00Z'),
    );
    expect(r).toMatchObject({ found: true, geo: 'jp' });
    const user = fixtureBook('user-overrides.yaml');
    expect(user.lookup('openai', 'o3', at('2025-07-02T00:00:00Z'))).toMatchObject({
      found: true,
      discountPercent: 20,
    });
    expect(user.lookup('openai', 'gpt-4o', at('2025-07-02T00:00:00Z'))).toMatchObject({
      found: true,
      discountPercent: 10,
    });
  });

  it('the same answer for the same id many times (resolution cache), and across many distinct ids', () => {
    for (let i = 0; i < 5000; i++) book.lookup('openai', `unknown-${i}`, 0);
    const r = book.lookup('openai', 'gpt-4o', at('2024-10-02T00:00:00Z'));
    expect(r.found && r.price.model).toBe('gpt-4o-2024-08-06');
  });

  it('shipped periods are frozen: callers cannot corrupt the book', () => {
    const r = book.lookup('openai', 'o3', at('2025-05-01T00:00:00Z'));
    if (!r.found) throw new Error('expected a price');
    expect(() => {
      (r.price.period.prices as { input: number }).input = 0;
    }).toThrow();
  });
});

describe('PriceBook.list', () => {
  it('lists models per provider with aliases and sorted periods', () => {
    const openai = book.list('openai');
    expect(openai.map((e) => e.model)).toEqual([
      'gpt-4o-2024-05-13',
      'gpt-4o-2024-08-06',
      'o3-2025-04-16',
      'gpt-5-2025-08-07',
      'legacy-model',
    ]);
    const o3 = openai.find((e) => e.model === 'o3-2025-04-16')!;
    expect(o3.aliases).toEqual(['o3']);
    expect(o3.periods.map((p) => p.effectiveFrom)).toEqual(['2025-04-16', '2025-06-10T00:00:00Z']);
    expect(book.list('azure.ai.openai')).toHaveLength(5);
    expect(book.list('nope')).toEqual([]);
    expect(book.list().length).toBe(5 + 3 + 2 + 2);
  });

  it('lists moving aliases', () => {
    expect(book.listMovingAliases('openai')).toEqual([
      {
        provider: 'openai',
        alias: 'gpt-4o',
        targets: [
          { model: 'gpt-4o-2024-05-13', effectiveFrom: '2024-05-13', source: 'fixture' },
          { model: 'gpt-4o-2024-08-06', effectiveFrom: '2024-10-02', source: 'fixture' },
        ],
      },
    ]);
  });
});

describe('PriceBook.load', () => {
  it('accepts parsed data, JSON text and YAML text', () => {
    const data = {
      provider: 'acme',
      currency: 'USD',
      models: [
        {
          id: 'm',
          periods: [{ effectiveFrom: '2025-01-01', prices: { input: 1, output: 2 }, source: 's' }],
        },
      ],
    };
    const yaml =
      'provider: acme\ncurrency: USD\nmodels:\n  - id: m\n    periods:\n      - effectiveFrom: 2025-01-01\n        prices: { input: 1, output: 2 }\n        source: s\n';
    for (const entry of [
      { name: 'a.json', data },
      { name: 'a.json', data: JSON.stringify(data) },
      { name: 'a.yaml', data: yaml },
    ]) {
      const b = PriceBook.load({ includeShipped: false, userFiles: [entry] });
      expect(b.lookup('acme', 'm', at('2025-02-01T00:00:00Z')).found).toBe(true);
      expect(b.listProviders()).toEqual([{ provider: 'acme', aliases: [] }]);
    }
  });

  it('later files win; a user file for a provider alias merges into that provider', () => {
    const b = PriceBook.load({
      includeShipped: false,
      userFiles: [
        fixture('openai.json'),
        {
          name: 'azure.json',
          data: {
            provider: 'azure.ai.openai',
            currency: 'USD',
            models: [
              {
                id: 'gpt-5-2025-08-07',
                periods: [
                  { effectiveFrom: '2025-08-07', prices: { input: 9, output: 9 }, source: 'azure' },
                ],
              },
            ],
          },
        },
      ],
    });
    const r = b.lookup('openai', 'gpt-5', at('2025-09-01T00:00:00Z'));
    expect(r.found && r.price.period.prices.input).toBe(9);
    expect(r.found && r.price.ref.source).toBe('azure');
  });

  it('does not mutate the caller data', () => {
    const data = {
      provider: 'acme',
      currency: 'USD',
      models: [
        {
          id: 'm',
          periods: [{ effectiveFrom: '2025-01-01', prices: { input: 1, output: 2 }, source: 's' }],
        },
      ],
    };
    PriceBook.load({ includeShipped: false, userFiles: [{ name: 'a.json', data }] });
    expect(Object.isFrozen(data.models[0]!.periods[0])).toBe(false);
  });
});

describe('shipped data', () => {
  it('loads and validates (cached), and is what load() starts from', () => {
    const shipped = PriceBook.shipped();
    expect(PriceBook.shipped()).toBe(shipped);
    const providers = shipped.listProviders().map((p) => p.provider);
    expect(providers).toEqual(
      expect.arrayContaining(['openai', 'anthropic', 'gcp.gemini', 'aws.bedrock']),
    );
    expect(PriceBook.load().list().length).toBe(shipped.list().length);
  });

  it('is exported from the ./prices entry point too', () => {
    expect(pricesEntry.PriceBook).toBe(PriceBook);
    expect(typeof pricesEntry.priceCall).toBe('function');
    expect(typeof pricesEntry.normalizeUsage).toBe('function');
    expect(typeof pricesEntry.PriceFileError).toBe('function');
  });
});
