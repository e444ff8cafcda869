/**
 * ReloadingPriceBook against real temp files: a valid edit swaps, an invalid one keeps the last
 * good book and is counted and logged once, unchanged files do not rebuild, and a reader never
 * sees half of one book and half of another.
 */
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DiagLogger, DiagLogLevel, diag } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PriceFileError } from '../src/prices/errors';
import { ReloadingPriceBook } from '../src/prices/reloading-price-book';

const AT = Date.parse('2025-07-01T00:00:00Z');

/** Two models whose prices always change together: a mixed book would pair different generations. */
function userFile(generation: number, effectiveFrom = '2025-01-01'): string {
  const model = (id: string) => ({
    id,
    periods: [
      {
        effectiveFrom,
        prices: { input: generation, output: generation * 2 },
        source: `test generation ${generation}`,
      },
    ],
  });
  return JSON.stringify({
    providers: [
      {
        provider: 'openai',
        currency: 'USD',
        models: [model('reload-test-a'), model('reload-test-b')],
      },
    ],
  });
}

function inputPrice(book: ReloadingPriceBook, model: string): number | undefined {
  const r = book.current().lookup('openai', model, AT);
  return r.found ? r.price.period.prices.input : undefined;
}

let dir: string;
let file: string;
let open: ReloadingPriceBook[] = [];
let warnings: string[];

function make(opts: ConstructorParameters<typeof ReloadingPriceBook>[0] = {}): ReloadingPriceBook {
  const b = new ReloadingPriceBook({ files: [file], ...opts });
  open.push(b);
  return b;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ai-margin-reload-'));
  file = join(dir, 'prices.json');
  writeFileSync(file, userFile(1));
  warnings = [];
  const logger: DiagLogger = {
    error: (m) => warnings.push(`error ${m}`),
    warn: (m) => warnings.push(m),
    info: () => {},
    debug: () => {},
    verbose: () => {},
  };
  diag.setLogger(logger, DiagLogLevel.WARN);
});

afterEach(() => {
  for (const b of open) b.close();
  open = [];
  diag.disable();
  rmSync(dir, { recursive: true, force: true });
  vi.useRealTimers();
});

describe('ReloadingPriceBook', () => {
  it('loads the files over the shipped book and describes it', () => {
    const b = make({ now: () => AT });
    expect(inputPrice(b, 'reload-test-a')).toBe(1);
    expect(b.current().lookup('openai', 'gpt-4o-2024-08-06', AT).found).toBe(true);
    const info = b.info();
    expect(info.version).toMatch(/^[0-9a-f]{12}$/);
    expect(info.models).toBe(b.current().list().length);
    expect(info.models).toBeGreaterThan(2);
    expect(info.files).toEqual([file]);
    // Newest effectiveFrom at or before `now`, never a future one.
    expect(info.newestPriceMs).toBeLessThanOrEqual(AT);
    expect(info.newestPriceDate).toBe(new Date(info.newestPriceMs!).toISOString().slice(0, 10));
  });

  it('newest price date ignores periods that start in the future', () => {
    writeFileSync(file, userFile(1, '2099-01-01'));
    const b = make({ includeShipped: false, now: () => AT });
    expect(b.info().newestPriceDate).toBeUndefined();
    expect(b.metricSource().priceBookNewestPrice()).toEqual([]);
    writeFileSync(file, userFile(1, '2025-03-04'));
    b.reload();
    expect(b.info().newestPriceDate).toBe('2025-03-04');
    expect(b.metricSource().priceBookNewestPrice()).toEqual([
      { labels: { version: b.info().version }, value: Date.parse('2025-03-04') / 1000 },
    ]);
  });

  it('throws PriceFileError when the files are bad at startup', () => {
    writeFileSync(file, '{ "providers": [');
    expect(() => make()).toThrow(PriceFileError);
    expect(() => new ReloadingPriceBook({ files: [join(dir, 'missing.json')] })).toThrow(
      /missing\.json: cannot read file/,
    );
  });

  it('swaps in a valid edit', () => {
    const b = make();
    const before = b.current();
    const v1 = b.info().version;
    writeFileSync(file, userFile(2));
    expect(b.reload()).toEqual({ result: 'ok', version: expect.any(String) });
    expect(b.current()).not.toBe(before);
    expect(inputPrice(b, 'reload-test-a')).toBe(2);
    expect(b.info().version).not.toBe(v1);
    // The old book is untouched: a reader that still holds it keeps pricing with it.
    const old = before.lookup('openai', 'reload-test-a', AT);
    expect(old.found && old.price.period.prices.input).toBe(1);
    expect(b.stats().ok).toBe(1);
  });

  it('keeps the last good book on an invalid edit, counts it and logs it once', () => {
    const b = make();
    const good = b.current();
    writeFileSync(file, userFile(2).replace('"currency":"USD"', '"currency":"EUR"'));
    const r = b.reload();
    expect(r).toMatchObject({ result: 'failed', reason: 'invalid' });
    expect(b.current()).toBe(good);
    expect(inputPrice(b, 'reload-test-a')).toBe(1);
    // Same bad content again: unchanged, not counted or logged twice; forced: counted, not logged.
    expect(b.reload().result).toBe('unchanged');
    expect(b.reload({ force: true }).result).toBe('failed');
    const s = b.stats();
    expect(s.failed).toEqual({ unreadable: 0, invalid: 2 });
    expect(s.lastError).toContain('prices.json');
    expect(s.lastError).toContain('currency');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(file);
    expect(warnings[0]).toContain('providers[0].currency: must be "USD"');
    expect(warnings[0]).toContain(`keeping price book ${b.info().version}`);

    // A syntax error is another distinct error: logged; the file's removal: unreadable.
    writeFileSync(file, '{ not json');
    expect(b.reload()).toMatchObject({ result: 'failed', reason: 'invalid' });
    unlinkSync(file);
    expect(b.reload()).toMatchObject({ result: 'failed', reason: 'unreadable' });
    expect(warnings).toHaveLength(3);
    expect(warnings[1]).toContain('invalid JSON');
    expect(warnings[2]).toContain('cannot read file');
    expect(b.current()).toBe(good);

    // Fixed: swaps, and the error memory starts over.
    writeFileSync(file, userFile(3));
    expect(b.reload().result).toBe('ok');
    expect(inputPrice(b, 'reload-test-a')).toBe(3);
    expect(b.stats()).toMatchObject({
      ok: 1,
      failed: { unreadable: 1, invalid: 3 },
      lastError: undefined,
    });
    const reloads = b.metricSource().priceBookReloads();
    expect(reloads).toEqual([
      { labels: { result: 'ok', reason: '' }, value: 1 },
      { labels: { result: 'failed', reason: 'unreadable' }, value: 1 },
      { labels: { result: 'failed', reason: 'invalid' }, value: 3 },
    ]);
  });

  it('does not rebuild when the files are unchanged (even if rewritten with the same bytes)', () => {
    const b = make();
    const book = b.current();
    expect(b.reload()).toEqual({ result: 'unchanged', version: b.info().version });
    writeFileSync(file, userFile(1));
    expect(b.reload().result).toBe('unchanged');
    expect(b.current()).toBe(book);
    expect(b.stats()).toMatchObject({ ok: 0, unchanged: 2 });
    // force rebuilds the same content: a new object, the same version.
    const v = b.info().version;
    expect(b.reload({ force: true })).toEqual({ result: 'ok', version: v });
    expect(b.current()).not.toBe(book);
  });

  it('reloads on its interval, never throws from the timer, and stops on close()', () => {
    vi.useFakeTimers();
    const swaps: string[] = [];
    const b = make({
      reloadIntervalMs: 1000,
      onSwap: (_book, info) => {
        swaps.push(info.version);
        throw new Error('callback bug');
      },
    });
    writeFileSync(file, userFile(2));
    vi.advanceTimersByTime(1000);
    expect(inputPrice(b, 'reload-test-a')).toBe(2);
    expect(swaps).toHaveLength(1);
    expect(warnings.some((w) => w.includes('onSwap callback threw'))).toBe(true);
    writeFileSync(file, 'garbage that is not json');
    expect(() => vi.advanceTimersByTime(1000)).not.toThrow();
    expect(inputPrice(b, 'reload-test-a')).toBe(2);
    b.close();
    writeFileSync(file, userFile(4));
    vi.advanceTimersByTime(5000);
    expect(inputPrice(b, 'reload-test-a')).toBe(2);
    expect(b.stats().ok).toBe(1);
  });

  it('rejects a negative interval', () => {
    expect(() => make({ reloadIntervalMs: -1 })).toThrow(RangeError);
  });

  it('readers interleaved with reloads see one whole book, never a mix', async () => {
    const b = make();
    const seen = new Set<number>();
    let mixed = 0;
    let stop = false;
    const reader = async () => {
      while (!stop) {
        const book = b.current(); // one book per pricing, as the processor does
        const a = book.lookup('openai', 'reload-test-a', AT);
        await Promise.resolve(); // let a reload run between the two lookups
        const c = book.lookup('openai', 'reload-test-b', AT);
        if (!a.found || !c.found) throw new Error('model vanished');
        const pa = a.price.period.prices.input;
        if (pa !== c.price.period.prices.input) mixed++;
        seen.add(pa);
        await new Promise((r) => setImmediate(r));
      }
    };
    const readers = [reader(), reader(), reader()];
    for (let g = 2; g <= 12; g++) {
      // Alternate valid and invalid generations: the invalid ones must never be seen.
      writeFileSync(file, g % 3 === 0 ? userFile(g).replace('"input":', '"input":-') : userFile(g));
      b.reload();
      await new Promise((r) => setImmediate(r));
    }
    stop = true;
    await Promise.all(readers);
    expect(mixed).toBe(0);
    expect([...seen].every((g) => g % 3 !== 0)).toBe(true);
    expect(seen.size).toBeGreaterThan(2);
    expect(inputPrice(b, 'reload-test-a')).toBe(11);
  });

  it('exposes the info gauge', () => {
    const b = make({ now: () => AT });
    const i = b.info();
    expect(b.metricSource().priceBookInfo()).toEqual([
      { labels: { version: i.version, newest_price_date: i.newestPriceDate }, value: 1 },
    ]);
  });
});
