import { join } from 'node:path';
import {
  allocateProRata,
  exceedsDrift,
  loadCostReports,
  type ProvisionalCost,
  parseProvisionalCosts,
  type ReconcileResult,
  type ReportLine,
  type ReportSet,
  reconcile,
} from '@ai-margin/reconcile';
import { describe, expect, it } from 'vitest';

const FIX = join(__dirname, 'fixtures', 'reports');

function prov(
  day: string,
  provider: string,
  model: string,
  customerId: string,
  usd: string,
  tokenType?: string,
): ProvisionalCost {
  const [whole = '0', frac = ''] = usd.split('.');
  const nanos = BigInt(whole) * 1_000_000_000n + BigInt(frac.padEnd(9, '0'));
  return {
    day,
    provider,
    model,
    customerId,
    usd: Number(usd),
    nanos,
    ...(tokenType ? { tokenType } : {}),
  };
}

function line(
  day: string,
  provider: string,
  model: string,
  usd: string,
  tokenType?: string,
): ReportLine {
  const p = prov(day, provider, model, '', usd);
  return {
    provider,
    day,
    model,
    ...(tokenType ? { tokenType } : {}),
    usd: p.usd,
    nanos: p.nanos,
    key: `${provider}|${day}|${model}|${tokenType}|${usd}`,
    source: { file: 'hand' },
  };
}

function set(provider: string, lines: ReportLine[], coveredDays: string[]): ReportSet {
  return {
    provider,
    lines,
    coveredDays: new Set(coveredDays),
    files: [],
    duplicates: 0,
    warnings: [],
  };
}

const PROVISIONAL: ProvisionalCost[] = [
  prov('2026-11-20', 'openai', 'gpt-4o-2024-08-06', 'acme', '7.5'),
  prov('2026-11-20', 'openai', 'gpt-4o-2024-08-06', 'globex', '2.5'),
  prov('2026-11-20', 'openai', 'gpt-4o-mini-2024-07-18', 'acme', '0.3'),
  prov('2026-11-21', 'openai', 'gpt-4o-2024-08-06', 'acme', '5'),
  prov('2026-11-21', 'openai', 'o3-2025-04-16', 'acme', '1'),
  prov('2026-11-22', 'openai', 'gpt-4o-2024-08-06', 'globex', '2'),
  prov('2026-11-23', 'openai', 'gpt-4o-2024-08-06', 'acme', '1'),
  // No Anthropic report given: ignored.
  prov('2026-11-20', 'anthropic', 'claude-sonnet-4-20250514', 'acme', '4'),
];

function summary(r: ReconcileResult) {
  return r.rows.map((row) => [
    row.day,
    row.model,
    row.status,
    row.provisionalUsd,
    row.reportedUsd,
    row.driftUsd,
    row.ratio,
  ]);
}

describe('reconcile against the OpenAI fixture report', async () => {
  const openai = await loadCostReports('openai-costs', join(FIX, 'openai', 'costs'));
  const result = reconcile({ reports: [openai], provisional: PROVISIONAL });

  it('compares per day and model, listing gaps both ways', () => {
    expect(result.from).toBe('2026-11-20');
    expect(result.to).toBe('2026-11-23');
    expect(result.providers).toEqual(['openai']);
    expect(summary(result)).toEqual([
      ['2026-11-20', 'gpt-4o-2024-08-06', 'matched', 10, 13.125, 3.125, 1.3125],
      ['2026-11-20', 'gpt-4o-mini-2024-07-18', 'matched', 0.3, 0.3, 0, 1],
      ['2026-11-20', 'other', 'report_only', 0, 0.25, 0.25, null],
      ['2026-11-21', 'gpt-4o-2024-08-06', 'matched', 5, 6.25, 1.25, 1.25],
      ['2026-11-21', 'gpt-5.6-sol', 'report_only', 0, 0.06, 0.06, null],
      ['2026-11-21', 'o3-2025-04-16', 'provisional_only', 1, 0, -1, 0],
      ['2026-11-22', 'gpt-4o-2024-08-06', 'provisional_only', 2, 0, -2, 0],
      ['2026-11-23', 'gpt-4o-2024-08-06', 'not_reported', 1, null, null, null],
    ]);
    expect(result.rows[0]?.driftPercent).toBe(31.25);
    expect(result.rows[3]?.driftPercent).toBe(25);
    expect(result.rows[0]?.byTokenType).toEqual([
      { tokenType: 'input', reportedUsd: 2.5 },
      { tokenType: 'cache_read', reportedUsd: 0.625 },
      { tokenType: 'output', reportedUsd: 10 },
    ]);
    expect(result.warnings).toContain(
      'openai 2026-11-23: the report does not cover this day: provisional cost is not reconciled',
    );
  });

  it('spreads corrections pro rata to provisional cost, exactly', () => {
    // 2026-11-20: gpt-4o drift 3.125 split 7.5:2.5 -> 2.34375 / 0.78125; the 0.25 "other" line
    // has no provisional model, so it is split over the day's provisional (acme 7.8, globex 2.5):
    // 0.25*7.8/10.3 = 0.189320388.35 -> 0.189320388, 0.25*2.5/10.3 = 0.060679611.65 -> the
    // leftover nano goes to the larger remainder (globex) -> 0.060679612.
    // 2026-11-21 (acme only): +1.25 - 1 + 0.06 = 0.31. 2026-11-22: globex -2. 2026-11-23: none.
    expect(result.corrections.map((c) => [c.day, c.customerId, c.nanos])).toEqual([
      ['2026-11-20', 'acme', 2_343_750_000n + 189_320_388n],
      ['2026-11-20', 'globex', 781_250_000n + 60_679_612n],
      ['2026-11-21', 'acme', 310_000_000n],
      ['2026-11-22', 'globex', -2_000_000_000n],
    ]);
    expect(result.corrections[0]?.usd).toBe(2.533070388);
    expect(result.unallocated).toEqual([]);
  });

  it('flags drift beyond a threshold, never for unreported days', () => {
    const flagged = (max: number) =>
      result.rows.filter((r) => exceedsDrift(r, max)).map((r) => `${r.day} ${r.model}`);
    expect(flagged(30)).toEqual([
      '2026-11-20 gpt-4o-2024-08-06',
      '2026-11-20 other',
      '2026-11-21 gpt-5.6-sol',
      '2026-11-21 o3-2025-04-16',
      '2026-11-22 gpt-4o-2024-08-06',
    ]);
    expect(flagged(31.25)).not.toContain('2026-11-20 gpt-4o-2024-08-06');
    expect(flagged(24.9)).toContain('2026-11-21 gpt-4o-2024-08-06');
  });

  it('is deterministic: same inputs in any order, twice, give the same result', () => {
    const again = reconcile({
      reports: [{ ...openai, lines: [...openai.lines].reverse() }],
      provisional: [...PROVISIONAL].reverse(),
    });
    expect(again).toEqual(result);
  });

  it('honours --from/--to and a model map', () => {
    const r = reconcile({
      reports: [openai],
      provisional: [prov('2026-11-21', 'openai', 'gpt-4o', 'acme', '5')],
      from: '2026-11-21',
      to: '2026-11-21',
      modelMap: { openai: { 'gpt-4o': 'gpt-4o-2024-08-06' } },
    });
    expect(summary(r)).toEqual([
      ['2026-11-21', 'gpt-4o-2024-08-06', 'matched', 5, 6.25, 1.25, 1.25],
      ['2026-11-21', 'gpt-5.6-sol', 'report_only', 0, 0.06, 0.06, null],
    ]);
  });
});

describe('reconcile edge cases', () => {
  it('reports cost with no provisional cost at all for the provider as unallocated', () => {
    const r = reconcile({
      reports: [
        set(
          'anthropic',
          [line('2026-11-20', 'anthropic', 'claude-haiku-4-5-20251001', '3.005')],
          ['2026-11-20'],
        ),
      ],
      provisional: [],
    });
    expect(r.rows[0]?.status).toBe('report_only');
    expect(r.corrections).toEqual([]);
    expect(r.unallocated.map((u) => [u.day, u.provider, u.nanos])).toEqual([
      ['2026-11-20', 'anthropic', 3_005_000_000n],
    ]);
  });

  it('compares per token type when the provisional input has token types (Bedrock cache lines)', () => {
    const r = reconcile({
      reports: [
        set(
          'aws.bedrock',
          [
            line('2026-11-20', 'aws.bedrock', 'sonnet', '0.069', 'input'),
            line('2026-11-20', 'aws.bedrock', 'sonnet', '0.214', 'output'),
            line('2026-11-20', 'aws.bedrock', 'sonnet', '0.0123', 'cache_read'),
            line('2026-11-20', 'aws.bedrock', 'sonnet', '0.0456', 'cache_write_5m'),
          ],
          ['2026-11-20'],
        ),
      ],
      provisional: [
        prov('2026-11-20', 'aws.bedrock', 'sonnet', 'acme', '0.069', 'input'),
        prov('2026-11-20', 'aws.bedrock', 'sonnet', 'acme', '0.214', 'output'),
      ],
    });
    // The provisional side dropped the cache lines: drift = 0.0123 + 0.0456 = 0.0579.
    expect(r.rows[0]?.driftUsd).toBe(0.0579);
    expect(r.rows[0]?.byTokenType).toEqual([
      { tokenType: 'input', reportedUsd: 0.069, provisionalUsd: 0.069 },
      { tokenType: 'cache_read', reportedUsd: 0.0123, provisionalUsd: 0 },
      { tokenType: 'cache_write_5m', reportedUsd: 0.0456, provisionalUsd: 0 },
      { tokenType: 'output', reportedUsd: 0.214, provisionalUsd: 0.214 },
    ]);
  });
});

describe('allocateProRata', () => {
  it('sums to the total and breaks ties by id', () => {
    const w = new Map([
      ['b', 1n],
      ['a', 1n],
      ['c', 1n],
    ]);
    expect([...allocateProRata(100n, w)].sort()).toEqual([
      ['a', 34n],
      ['b', 33n],
      ['c', 33n],
    ]);
    expect([...allocateProRata(-100n, w)].sort()).toEqual([
      ['a', -34n],
      ['b', -33n],
      ['c', -33n],
    ]);
    expect(allocateProRata(5n, new Map([['x', 0n]])).size).toBe(0);
  });
});

describe('provisional cost file', () => {
  it('reads NDJSON with exact string or number amounts', () => {
    const rows = parseProvisionalCosts(
      '{"day":"2026-11-20","provider":"openai","model":"gpt-4o","customer_id":"acme","usd":"0.1"}\n' +
        '{"day":"2026-11-20","provider":"openai","model":"gpt-4o","usd":0.2,"token_type":"output"}\n',
      'prov.ndjson',
    );
    expect(rows.map((r) => [r.customerId, r.nanos, r.tokenType, r.source?.line])).toEqual([
      ['acme', 100_000_000n, undefined, 1],
      ['unattributed', 200_000_000n, 'output', 2],
    ]);
  });

  it('names file, line and field on bad rows', () => {
    expect(() =>
      parseProvisionalCosts(
        '[\n{"day":"2026-11-20","provider":"openai","model":"m","usd":1},\n{"day":"2026-13-01","provider":"openai","model":"m","usd":1}\n]',
        'p.json',
      ),
    ).toThrow('p.json:3: [1].day: expected YYYY-MM-DD, got "2026-13-01"');
    expect(() =>
      parseProvisionalCosts(
        '{"day":"2026-11-20","provider":"openai","model":"m","usd":"x"}',
        'p.json',
      ),
    ).toThrow('p.json:1: [0].usd: expected a dollar amount, got "x"');
  });
});

describe('properties', () => {
  it('pro-rata shares sum to the total and each is within one nano-dollar of its exact share', async () => {
    const fc = await import('fast-check');
    fc.assert(
      fc.property(
        fc.bigInt({ min: -1_000_000_000_000n, max: 1_000_000_000_000n }),
        fc.uniqueArray(
          fc.tuple(
            fc.string({ minLength: 1, maxLength: 6 }),
            fc.bigInt({ min: 1n, max: 1_000_000_000_000n }),
          ),
          {
            minLength: 1,
            maxLength: 12,
            selector: ([id]) => id,
          },
        ),
        (total, entries) => {
          const weights = new Map(entries);
          const shares = allocateProRata(total, weights);
          const sumW = entries.reduce((s, [, w]) => s + w, 0n);
          let sum = 0n;
          for (const [id, w] of entries) {
            const share = shares.get(id) ?? 0n;
            sum += share;
            const err = share * sumW - total * w; // share - exact, scaled by sumW
            if ((err < 0n ? -err : err) >= sumW) return false;
          }
          return sum === total;
        },
      ),
    );
  });

  it('CSV: any fields survive quoting and parsing, with their line numbers', async () => {
    const fc = await import('fast-check');
    const { parseCsv } = await import('@ai-margin/reconcile');
    const field = fc.string({
      unit: fc.constantFrom('a', 'b', ',', '"', '\n', '\r\n', ' ', 'é'),
      maxLength: 8,
    });
    fc.assert(
      fc.property(
        fc.array(fc.array(field, { minLength: 2, maxLength: 4 }), { minLength: 1, maxLength: 5 }),
        (rows) => {
          const quote = (f: string) => (/[",\r\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f);
          const text = rows.map((r) => r.map(quote).join(',')).join('\n');
          const parsed = parseCsv(text);
          let line = 1;
          const expectedLines = rows.map((r) => {
            const start = line;
            line += r.join(',').split('\n').length;
            return start;
          });
          expect(parsed.map((p) => p.fields)).toEqual(rows);
          expect(parsed.map((p) => p.line)).toEqual(expectedLines);
        },
      ),
    );
  });
});
