/**
 * Hostile and broken reconcile input (issue 13, items 3 and 7): corrupt archives are named,
 * absurd amounts are rejected with file and field, and user text never finds Object.prototype.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  exceedsDrift,
  formatOpenMetrics,
  loadCostReports,
  type ModelDayReconciliation,
  parseJsonDocuments,
  parseProvisionalCosts,
  ReconcileInputError,
  type ReportSet,
  readAnthropicCosts,
  readAwsCur,
  readOpenAICosts,
  reconcile,
  reconciliationSamples,
} from '@ai-margin/reconcile';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const DAY_S = 1795132800; // 2026-11-20T00:00:00Z

function openaiPage(value: string, lineItem = 'gpt-4o-2024-08-06, input'): string {
  return `{"data":[{"start_time":${DAY_S},"end_time":${DAY_S + 86400},"results":[
{"amount":{"value":${value},"currency":"usd"},"line_item":${JSON.stringify(lineItem)}}]}],"has_more":false}`;
}

function anthropicPage(result: Record<string, unknown>): string {
  return JSON.stringify({
    data: [
      {
        starting_at: '2026-11-20T00:00:00Z',
        ending_at: '2026-11-21T00:00:00Z',
        results: [{ currency: 'USD', model: 'claude-sonnet-4-20250514', ...result }],
      },
    ],
    has_more: false,
  });
}

const CUR_HEADER =
  'identity_line_item_id,line_item_line_item_type,line_item_usage_start_date,line_item_product_code,line_item_usage_type,line_item_unblended_cost,line_item_currency_code';
const curRow = (cost: string) =>
  `li-1,Usage,2026-11-20T00:00:00Z,AmazonBedrock,USE1-Claude4.6Sonnet-input-tokens,${cost},USD`;

/** The error a call throws (fails the test when it does not throw). */
async function errorOf(fn: () => unknown): Promise<Error> {
  try {
    await fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ai-margin-hostile-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('corrupt and unreadable archives are input errors naming the file', () => {
  it('a .json.gz that is not gzip, and one cut short', async () => {
    const notGzip = join(dir, 'costs-not-gzip.json.gz');
    await writeFile(notGzip, openaiPage('1'));
    const cut = join(dir, 'costs-cut.json.gz');
    const gz = gzipSync(openaiPage('1'));
    await writeFile(cut, gz.subarray(0, gz.length - 12));
    for (const file of [notGzip, cut]) {
      const e = await errorOf(() => loadCostReports('openai-costs', file));
      expect(e).toBeInstanceOf(ReconcileInputError);
      expect(e.message).toMatch(
        new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not a readable gzip file`),
      );
    }
  });

  it('a corrupt .csv.gz in a CUR directory (streamed)', async () => {
    const curDir = join(dir, 'cur');
    await mkdir(curDir);
    const good = gzipSync(`${CUR_HEADER}\n${curRow('0.5')}\n`);
    await writeFile(join(curDir, 'a.csv.gz'), good);
    const bad = Buffer.from(good);
    bad.fill(0x41, 20, 40); // damage the deflate stream
    await writeFile(join(curDir, 'b.csv.gz'), bad);
    const e = await errorOf(() => loadCostReports('aws-cur', curDir));
    expect(e).toBeInstanceOf(ReconcileInputError);
    expect(e.message).toContain(`${join(curDir, 'b.csv.gz')}: not a readable gzip file`);
  });

  it('a missing .csv.gz', async () => {
    const e = await errorOf(() => loadCostReports('aws-cur', join(dir, 'missing.csv.gz')));
    expect(e).toBeInstanceOf(ReconcileInputError);
    expect(e.message).toContain('missing.csv.gz');
  });
});

describe('amounts outside a sane range are rejected with file and field', () => {
  it('OpenAI amount.value 1e300 and -1e300', () => {
    for (const v of ['1e300', '-1e300', '1000000000.000000001']) {
      expect(() => readOpenAICosts(openaiPage(v), 'costs.json')).toThrow(
        /^costs\.json:2: results\[0\]\.amount\.value: outside the accepted range of ±1e\+9 USD/,
      );
    }
    // The bound itself and refunds within it are fine.
    expect(readOpenAICosts(openaiPage('1000000000'), 'ok.json').lines[0]?.usd).toBe(1e9);
    expect(readOpenAICosts(openaiPage('-12.5'), 'ok.json').lines[0]?.usd).toBe(-12.5);
  });

  it('Anthropic amount "1e300" cents', () => {
    expect(() =>
      readAnthropicCosts(anthropicPage({ amount: '1e300', token_type: 'output_tokens' }), 'a.json'),
    ).toThrow(/^a\.json:1: results\[0\]\.amount: outside the accepted range .*: 1e300 cents$/);
  });

  it('CUR line_item_unblended_cost 1e300, NaN and Infinity', () => {
    expect(() => readAwsCur(`${CUR_HEADER}\n${curRow('1e300')}\n`, 'cur.csv')).toThrow(
      /^cur\.csv:2: line_item_unblended_cost: outside the accepted range/,
    );
    for (const v of ['NaN', 'Infinity', '-Infinity']) {
      expect(() => readAwsCur(`${CUR_HEADER}\n${curRow(v)}\n`, 'cur.csv')).toThrow(
        /^cur\.csv:2: line_item_unblended_cost: not a dollar amount/,
      );
    }
  });

  it('provisional usd 1e300 (number or string) and negative', () => {
    const row = (usd: unknown) =>
      JSON.stringify({ day: '2026-11-20', provider: 'openai', model: 'm', usd });
    expect(() => parseProvisionalCosts(row(1e300), 'p.ndjson')).toThrow(
      /^p\.ndjson:1: \[0\]\.usd: outside the accepted range/,
    );
    expect(() => parseProvisionalCosts(row('1e300'), 'p.ndjson')).toThrow(/outside the accepted/);
    expect(() => parseProvisionalCosts(row(-1), 'p.ndjson')).toThrow(/\[0\]\.usd: negative cost/);
  });

  it('--max-drift cannot be defeated by a non-finite percentage, and no +Inf/NaN is written', () => {
    const row = {
      status: 'matched',
      provisionalNanos: 1n,
      reportedNanos: 2n,
      driftPercent: Number.NaN,
    } as ModelDayReconciliation;
    expect(exceedsDrift(row, 5)).toBe(true);
    expect(exceedsDrift({ ...row, driftPercent: Number.POSITIVE_INFINITY }, 1e9)).toBe(true);
    const result = reconcile({ reports: [], provisional: [] });
    result.rows.push({
      ...row,
      day: '2026-11-20',
      provider: 'openai',
      model: 'm',
      provisionalUsd: 1,
      reportedUsd: 1,
      driftUsd: 0,
      ratio: Number.POSITIVE_INFINITY,
      customers: 1,
      reportLines: 1,
      byTokenType: [],
    });
    expect(() => formatOpenMetrics(reconciliationSamples(result))).toThrow(
      /ai_margin_reconciliation_ratio\{provider="openai",model="m"\} at 2026-11-20T00:00:00\.000Z: not a finite value/,
    );
  });
});

describe('prototype-named providers, models and token types are ordinary names', () => {
  const NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty'];

  it('OpenAI line items and Anthropic token types', () => {
    for (const name of NAMES) {
      const o = readOpenAICosts(openaiPage('1', `${name}, ${name}`), 'o.json').lines[0];
      // A model id starts with a letter or digit: `__proto__` is an unparsed line item.
      expect(o?.model).toBe(name.startsWith('_') ? 'other' : name);
      expect(o?.tokenType ?? 'none').toBe(name.startsWith('_') ? 'none' : 'other');
      const a = readAnthropicCosts(
        anthropicPage({ amount: '100', model: name, token_type: name }),
        'a.json',
      ).lines[0];
      expect(a?.model).toBe(name);
      expect(a?.tokenType).toBe(name);
    }
  });

  it('a JSON key "__proto__" stays an own property and does not replace the prototype', () => {
    const docs = parseJsonDocuments('{"__proto__": {"amount": "5"}, "a": 1}', 'x.json');
    const obj = docs.values[0] as Record<string, unknown>;
    expect(Object.getPrototypeOf(obj)).toBe(Object.prototype);
    expect(Object.keys(obj)).toEqual(['__proto__', 'a']);
    expect(obj.amount).toBeUndefined();
  });

  it('reconcile with a model map: models and customers named like Object.prototype members', () => {
    const lines = NAMES.map((model, i) => ({
      provider: 'openai',
      day: '2026-11-20',
      model,
      usd: 1,
      nanos: 1_000_000_000n,
      key: `k${i}`,
      source: { file: 'r.json' },
    }));
    const reports: ReportSet[] = [
      {
        provider: 'openai',
        lines,
        coveredDays: new Set(['2026-11-20']),
        files: ['r.json'],
        duplicates: 0,
        warnings: [],
      },
    ];
    const provisional = NAMES.map((name) => ({
      day: '2026-11-20',
      provider: 'openai',
      model: name,
      customerId: name,
      usd: 0.5,
      nanos: 500_000_000n,
    }));
    // A map parsed from JSON, as the CLI reads it; it maps nothing these names should find.
    const modelMap = JSON.parse('{"openai": {"gpt-4o": "gpt-4o-2024-08-06"}, "__proto__": {}}');
    const result = reconcile({ reports, provisional, modelMap });
    expect(result.rows.map((r) => [r.model, r.status, r.driftUsd])).toEqual(
      [...NAMES].sort().map((m) => [m, 'matched', 0.5]),
    );
    expect(result.corrections.map((c) => [c.customerId, c.usd])).toEqual(
      [...NAMES].sort().map((m) => [m, 0.5]),
    );
    for (const s of reconciliationSamples(result)) {
      for (const v of Object.values(s.labels)) expect(typeof v).toBe('string');
    }
  });
});
