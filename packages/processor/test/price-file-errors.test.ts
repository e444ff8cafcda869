/** Bad price files fail at load with a PriceFileError naming the file, the model and the field. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PriceBook, PriceFileError } from '@ai-margin/processor';
import { describe, expect, it } from 'vitest';
import { fixture } from './helpers/price-fixtures';

const period = (over: Record<string, unknown> = {}) => ({
  effectiveFrom: '2025-01-01',
  prices: { input: 1, output: 2 },
  source: 'test',
  ...over,
});

function providerFile(models: unknown[], extra: Record<string, unknown> = {}) {
  return { provider: 'openai', currency: 'USD', models, ...extra };
}

function loadError(data: unknown, name = 'openai.json'): PriceFileError {
  try {
    PriceBook.load({ includeShipped: false, userFiles: [{ name, data }] });
  } catch (err) {
    expect(err).toBeInstanceOf(PriceFileError);
    return err as PriceFileError;
  }
  throw new Error('expected the price file to be rejected');
}

describe('PriceFileError names the file, the model and the field', () => {
  it('negative price', () => {
    const err = loadError(
      providerFile([
        {
          id: 'o3',
          periods: [
            period(),
            period({ effectiveFrom: '2025-06-10', prices: { input: -2, output: 8 } }),
          ],
        },
      ]),
    );
    expect(err.file).toBe('openai.json');
    expect(err.model).toBe('o3');
    expect(err.field).toBe('periods[1].prices.input');
    expect(err.message).toBe(
      'openai.json: model "o3": periods[1].prices.input: must be a non-negative number (USD per 1M tokens)',
    );
  });

  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['a string', '2.5'],
  ])('non-finite or non-numeric price (%s)', (_label, value) => {
    const err = loadError(
      providerFile([{ id: 'm', periods: [period({ prices: { input: 1, output: value } })] }]),
    );
    expect(err).toMatchObject({ model: 'm', field: 'periods[0].prices.output' });
  });

  it('unknown token bucket', () => {
    const err = loadError(
      providerFile([
        { id: 'gpt-4o', periods: [period({ prices: { input: 1, output: 2, cachedInput: 0.5 } })] },
      ]),
    );
    expect(err).toMatchObject({
      file: 'openai.json',
      model: 'gpt-4o',
      field: 'periods[0].prices.cachedInput',
    });
    expect(err.message).toContain('unknown token bucket "cachedInput"');
  });

  it('unknown bucket inside a tier', () => {
    const err = loadError(
      providerFile([
        {
          id: 'm',
          periods: [
            period({
              tiers: [{ aboveInputTokens: 10, prices: { input: 1, output: 2, audio: 3 } }],
            }),
          ],
        },
      ]),
    );
    expect(err).toMatchObject({ model: 'm', field: 'periods[0].tiers[0].prices.audio' });
  });

  it.each(['June 10 2025', '2025-13-01', '2025-02-30', '2025-06-10T00:00:00', '20250610', ''])(
    'unparsable date %j',
    (date) => {
      const err = loadError(
        providerFile([{ id: 'o3', periods: [period({ effectiveFrom: date })] }]),
      );
      expect(err).toMatchObject({
        file: 'openai.json',
        model: 'o3',
        field: 'periods[0].effectiveFrom',
      });
    },
  );

  it('overlapping periods (from a file on disk)', () => {
    const path = fixture('bad/overlap.json');
    let err: unknown;
    try {
      PriceBook.load({ includeShipped: false, userFiles: [path] });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PriceFileError);
    expect(err).toMatchObject({ file: path, model: 'o3', field: 'periods[0].effectiveTo' });
    expect((err as Error).message).toContain('overlaps periods[1]');
  });

  it('two periods starting at the same instant overlap', () => {
    const err = loadError(
      providerFile([
        { id: 'o3', periods: [period(), period({ effectiveFrom: '2025-01-01T00:00:00Z' })] },
      ]),
    );
    expect(err).toMatchObject({ model: 'o3', field: 'periods[1].effectiveFrom' });
  });

  it('effectiveTo not after effectiveFrom', () => {
    const err = loadError(
      providerFile([{ id: 'o3', periods: [period({ effectiveTo: '2025-01-01' })] }]),
    );
    expect(err).toMatchObject({ model: 'o3', field: 'periods[0].effectiveTo' });
  });

  it('unparsable date in a YAML user file', () => {
    const path = fixture('bad/bad-date.yaml');
    expect(() => PriceBook.load({ includeShipped: false, userFiles: [path] })).toThrow(
      `${path}: model "claude-x": periods[0].effectiveFrom: unparsable date "June 10 2025"`,
    );
  });

  it('missing source', () => {
    const err = loadError(
      providerFile([
        { id: 'o3', periods: [{ effectiveFrom: '2025-01-01', prices: { input: 1, output: 2 } }] },
      ]),
    );
    expect(err).toMatchObject({ model: 'o3', field: 'periods[0].source' });
  });

  it('missing output price', () => {
    const err = loadError(
      providerFile([{ id: 'o3', periods: [period({ prices: { input: 1 } })] }]),
    );
    expect(err).toMatchObject({ model: 'o3', field: 'periods[0].prices.output' });
  });

  it('tiers not ascending', () => {
    const tiers = [
      { aboveInputTokens: 200000, prices: { input: 2, output: 4 } },
      { aboveInputTokens: 128000, prices: { input: 3, output: 5 } },
    ];
    const err = loadError(providerFile([{ id: 'gemini', periods: [period({ tiers })] }]));
    expect(err).toMatchObject({ model: 'gemini', field: 'periods[0].tiers[1].aboveInputTokens' });
  });

  it('unknown service tier and bad multiplier', () => {
    expect(
      loadError(providerFile([{ id: 'm', periods: [period({ serviceTiers: { scale: 2 } })] }])),
    ).toMatchObject({ model: 'm', field: 'periods[0].serviceTiers.scale' });
    expect(
      loadError(providerFile([{ id: 'm', periods: [period({ serviceTiers: { batch: 0 } })] }])),
    ).toMatchObject({ model: 'm', field: 'periods[0].serviceTiers.batch' });
  });

  it('unknown period field (a typo)', () => {
    const err = loadError(
      providerFile([{ id: 'm', periods: [period({ effective_from: '2025-01-01' })] }]),
    );
    expect(err).toMatchObject({ model: 'm', field: 'periods[0].effective_from' });
  });

  it('duplicate model ids and aliases within a provider', () => {
    const p = [period()];
    expect(
      loadError(
        providerFile([
          { id: 'a', periods: p },
          { id: 'a', periods: p },
        ]),
      ),
    ).toMatchObject({
      model: 'a',
      field: 'id',
    });
    expect(
      loadError(
        providerFile([
          { id: 'a', aliases: ['x'], periods: p },
          { id: 'b', aliases: ['x'], periods: p },
        ]),
      ),
    ).toMatchObject({ model: 'b', field: 'aliases[0]' });
    expect(
      loadError(
        providerFile([{ id: 'a', periods: p }], {
          movingAliases: [
            { alias: 'a', targets: [{ model: 'a', effectiveFrom: '2025-01-01', source: 's' }] },
          ],
        }),
      ),
    ).toMatchObject({ field: 'movingAliases[0].alias' });
  });

  it('model without id or periods', () => {
    expect(loadError(providerFile([{ periods: [period()] }]))).toMatchObject({
      field: 'models[0].id',
    });
    expect(loadError(providerFile([{ id: 'm', periods: [] }]))).toMatchObject({
      model: 'm',
      field: 'periods',
    });
  });

  it('file-level problems', () => {
    expect(loadError({ provider: 'openai', currency: 'EUR', models: [] })).toMatchObject({
      field: 'currency',
    });
    expect(loadError({ provider: 'openai', currency: 'USD' })).toMatchObject({ field: 'models' });
    expect(loadError([])).toMatchObject({ file: 'openai.json' });
    expect(loadError({ foo: 1 }).message).toContain('providers');
  });

  it('moving alias pointing at an unknown model', () => {
    const err = loadError(
      providerFile([{ id: 'a', periods: [period()] }], {
        movingAliases: [
          { alias: 'x', targets: [{ model: 'nope', effectiveFrom: '2025-01-01', source: 's' }] },
        ],
      }),
    );
    expect(err).toMatchObject({ field: 'movingAliases[0].targets[0].model' });
    expect(err.message).toContain('unknown model "nope"');
  });

  it('invalid JSON text and unreadable files', () => {
    // Written at test time: a committed broken JSON file would break the repository's lint.
    const path = join(mkdtempSync(join(tmpdir(), 'ai-margin-prices-')), 'broken.json');
    writeFileSync(path, '{ "provider": "openai", "currency": "USD", "models": [ }');
    expect(() => PriceBook.load({ includeShipped: false, userFiles: [path] })).toThrow(
      PriceFileError,
    );
    expect(() => PriceBook.load({ includeShipped: false, userFiles: [path] })).toThrow(
      /invalid JSON/,
    );
    expect(() => PriceBook.load({ userFiles: [fixture('bad/missing.json')] })).toThrow(
      /cannot read file/,
    );
    expect(() => PriceBook.load({ userFiles: [fixture('load.ts')] })).toThrow(
      /unsupported file type/,
    );
  });

  describe('user files: discounts', () => {
    const base = providerFile([{ id: 'o3', aliases: ['o3-alias'], periods: [period()] }]);
    const load = (discounts: unknown[]) => loadError({ providers: [base], discounts }, 'user.yaml');

    it('percent out of range', () => {
      expect(
        load([{ provider: 'openai', percent: 120, effectiveFrom: '2025-01-01' }]),
      ).toMatchObject({
        file: 'user.yaml',
        field: 'discounts[0].percent',
      });
    });

    it('unknown provider or model', () => {
      expect(load([{ provider: 'nope', percent: 10, effectiveFrom: '2025-01-01' }])).toMatchObject({
        field: 'discounts[0].provider',
      });
      expect(
        load([{ provider: 'openai', model: 'gpt-9', percent: 10, effectiveFrom: '2025-01-01' }]),
      ).toMatchObject({
        model: 'gpt-9',
        field: 'discounts[0].model',
      });
    });

    it('overlapping discounts for the same scope (alias and id name the same model)', () => {
      const err = load([
        {
          provider: 'openai',
          model: 'o3',
          percent: 10,
          effectiveFrom: '2025-01-01',
          effectiveTo: '2025-03-01',
        },
        { provider: 'openai', model: 'o3-alias', percent: 20, effectiveFrom: '2025-02-01' },
      ]);
      expect(err).toMatchObject({ field: 'discounts[1].effectiveFrom' });
    });

    it('bad discount date', () => {
      expect(load([{ provider: 'openai', percent: 10, effectiveFrom: 'soon' }])).toMatchObject({
        field: 'discounts[0].effectiveFrom',
      });
    });
  });

  it('errors inside providers[] of a user file name the model', () => {
    const err = loadError(
      {
        providers: [
          providerFile([{ id: 'ft:x', periods: [period({ prices: { input: 1, output: -1 } })] }]),
        ],
      },
      'user.json',
    );
    expect(err.message).toBe(
      'user.json: model "ft:x": periods[0].prices.output: must be a non-negative number (USD per 1M tokens)',
    );
  });
});
