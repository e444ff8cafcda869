import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  centsToNanos,
  dollarsToNanos,
  loadCostReports,
  loadUsageReports,
  parseBedrockUsageType,
  parseOpenAILineItem,
  type ReportLine,
  readAwsCur,
  readOpenAICosts,
} from '@ai-margin/reconcile';
import { describe, expect, it } from 'vitest';

const FIX = join(__dirname, 'fixtures', 'reports');

/** Sum of nanos per `day|model` (and token type when asked), computed from the lines. */
function totals(lines: ReportLine[], withToken = false): Record<string, bigint> {
  const out: Record<string, bigint> = {};
  for (const l of lines) {
    const k = withToken ? `${l.day}|${l.model}|${l.tokenType}` : `${l.day}|${l.model}`;
    out[k] = (out[k] ?? 0n) + l.nanos;
  }
  return out;
}

describe('money parsing', () => {
  it('parses cents and dollars exactly to nano-dollars', () => {
    expect(centsToNanos('123.78912')).toBe(1_237_891_200n);
    expect(centsToNanos('123.45')).toBe(1_234_500_000n);
    expect(centsToNanos('0.00000005')).toBe(1n); // half a nano rounds away from zero
    expect(dollarsToNanos('0.06')).toBe(60_000_000n);
    expect(dollarsToNanos('1e-7')).toBe(100n);
    expect(dollarsToNanos('-2.5')).toBe(-2_500_000_000n);
    expect(dollarsToNanos('12,5')).toBeUndefined();
    expect(dollarsToNanos('')).toBeUndefined();
  });
});

describe('OpenAI line items', () => {
  it('splits model and token type', () => {
    expect(parseOpenAILineItem('gpt-4o-2024-08-06, input')).toEqual({
      model: 'gpt-4o-2024-08-06',
      tokenType: 'input',
      qualifiers: [],
    });
    expect(parseOpenAILineItem('gpt-4o-mini-2024-07-18, cached input')).toMatchObject({
      model: 'gpt-4o-mini-2024-07-18',
      tokenType: 'cache_read',
    });
    expect(parseOpenAILineItem('priority | gpt-5.6-sol, output, long context')).toEqual({
      model: 'gpt-5.6-sol',
      tokenType: 'output',
      tier: 'priority',
      qualifiers: ['long context'],
    });
    expect(parseOpenAILineItem('web search tool calls')).toEqual({
      model: 'other',
      qualifiers: [],
    });
    expect(parseOpenAILineItem('gpt-4.1-2025-04-14, something new')).toMatchObject({
      model: 'gpt-4.1-2025-04-14',
      tokenType: 'other',
    });
    expect(parseOpenAILineItem(null).model).toBe('other');
  });
});

describe('OpenAI costs reader', () => {
  it('reads a directory of pages, de-duplicates a re-run, keeps unknown line items as "other"', async () => {
    const set = await loadCostReports('openai-costs', join(FIX, 'openai', 'costs'));
    expect(set.provider).toBe('openai');
    expect(set.files.map((f) => f.split('/').pop())).toEqual([
      'page-0001.json',
      'page-0002.json',
      'rerun-0001.json',
    ]);
    expect(set.duplicates).toBe(2);
    expect([...set.coveredDays].sort()).toEqual(['2026-11-20', '2026-11-21', '2026-11-22']);
    // Hand totals: 2.5 + 0.625 + 10 = 13.125; 0.1 + 0.2 = 0.3 exactly (not 0.30000000000000004).
    expect(totals(set.lines)).toEqual({
      '2026-11-20|gpt-4o-2024-08-06': 13_125_000_000n,
      '2026-11-20|gpt-4o-mini-2024-07-18': 300_000_000n,
      '2026-11-20|other': 250_000_000n,
      '2026-11-21|gpt-4o-2024-08-06': 6_250_000_000n,
      '2026-11-21|gpt-5.6-sol': 60_000_000n,
    });
    expect(totals(set.lines, true)['2026-11-20|gpt-4o-2024-08-06|cache_read']).toBe(625_000_000n);
    const cached = set.lines.find((l) => l.tokenType === 'cache_read');
    expect(cached?.source).toEqual({
      file: join(FIX, 'openai', 'costs', 'page-0001.json'),
      line: 15,
    });
    expect(cached?.usd).toBe(0.625);
  });

  it('a re-fetched page with a revised amount replaces the old line (later file wins)', async () => {
    const set = await loadCostReports('openai-costs', [
      join(FIX, 'openai', 'costs', 'page-0002.json'),
      join(FIX, 'openai', 'costs', 'page-0002.json'),
    ]);
    expect(set.duplicates).toBe(3);
    expect(set.lines).toHaveLength(3);
  });

  it('warns only when the last file of a set ends on has_more=true', async () => {
    const text = readFileSync(join(FIX, 'openai', 'costs', 'page-0001.json'), 'utf8');
    expect(readOpenAICosts(text, 'p1.json').openPage).toBe('page_AAAA');
    const whole = await loadCostReports('openai-costs', join(FIX, 'openai', 'costs'));
    expect(whole.warnings).toEqual([]);
    const first = await loadCostReports(
      'openai-costs',
      join(FIX, 'openai', 'costs', 'page-0001.json'),
    );
    expect(first.warnings).toEqual([
      `${join(FIX, 'openai', 'costs', 'page-0001.json')}: the last page has has_more=true (next_page="page_AAAA"): pages may be missing`,
    ]);
  });
});

describe('OpenAI usage reader', () => {
  it('splits input_tokens (which include cached) into uncached and cache_read', async () => {
    const set = await loadUsageReports('openai-usage', join(FIX, 'openai', 'usage'));
    expect(set.lines.map((l) => [l.day, l.model, l.tokenType, l.tokens])).toEqual([
      ['2026-11-20', 'gpt-4o-mini-2024-07-18', 'input', 1000],
      ['2026-11-20', 'gpt-4o-mini-2024-07-18', 'cache_read', 4000],
      ['2026-11-20', 'gpt-4o-mini-2024-07-18', 'output', 1000],
    ]);
  });
});

describe('Anthropic readers', () => {
  it('reads cents as decimal strings across NDJSON pages', async () => {
    const set = await loadCostReports('anthropic-costs', join(FIX, 'anthropic', 'costs'));
    expect(set.provider).toBe('anthropic');
    // 123.78912 + 450 + 0.3 + 37.5 + 60 cents = 671.58912 cents = $6.7158912
    expect(totals(set.lines)).toEqual({
      '2026-11-20|claude-sonnet-4-20250514': 6_715_891_200n,
      '2026-11-20|other': 10_000_000_000n,
      '2026-11-21|claude-haiku-4-5-20251001': 3_005_000_000n,
    });
    const byToken = totals(set.lines, true);
    expect(byToken['2026-11-20|claude-sonnet-4-20250514|input']).toBe(1_237_891_200n);
    expect(byToken['2026-11-20|claude-sonnet-4-20250514|cache_read']).toBe(3_000_000n);
    expect(byToken['2026-11-20|claude-sonnet-4-20250514|cache_write_5m']).toBe(375_000_000n);
    expect(byToken['2026-11-20|claude-sonnet-4-20250514|cache_write_1h']).toBe(600_000_000n);
    expect(byToken['2026-11-20|other|web_search']).toBe(10_000_000_000n);
    expect(set.lines.find((l) => l.tokenType === 'cache_write_1h')?.source.line).toBe(2);
  });

  it('reads usage_report/messages token buckets', async () => {
    const set = await loadUsageReports('anthropic-usage', join(FIX, 'anthropic', 'usage'));
    expect(set.lines.map((l) => [l.tokenType, l.tokens])).toEqual([
      ['input', 1500],
      ['cache_read', 200],
      ['cache_write_5m', 500],
      ['cache_write_1h', 1000],
      ['output', 500],
    ]);
  });
});

describe('AWS CUR 2.0 Bedrock reader', () => {
  it('parses usage types', () => {
    expect(parseBedrockUsageType('USE1-Claude4.6Sonnet-input-tokens')).toEqual({
      model: 'Claude4.6Sonnet',
      tokenType: 'input',
      region: 'USE1',
    });
    expect(
      parseBedrockUsageType('USE1-Claude4.6Sonnet-cache-read-input-token-count').tokenType,
    ).toBe('cache_read');
    expect(parseBedrockUsageType('USW2-Nova-cache-write-input-token-count').tokenType).toBe(
      'cache_write_5m',
    );
    expect(parseBedrockUsageType('USE1-Llama4-mantle-input-tokens-flex')).toMatchObject({
      model: 'Llama4',
      tokenType: 'input',
    });
    expect(
      parseBedrockUsageType('USE1-MP:USE1_InputTokenCount-Units', 'Claude 3.5 Sonnet'),
    ).toEqual({
      model: 'Claude 3.5 Sonnet',
      tokenType: 'input',
    });
  });

  it('reads token and cache lines, skips other products and tax, handles quoted multi-line fields', async () => {
    const set = await loadCostReports('aws-cur', join(FIX, 'aws', 'cur-2026-11.csv'));
    expect(set.provider).toBe('aws.bedrock');
    // 0.069 + 0.214 + 0.0123 + 0.0456 = 0.3409
    expect(totals(set.lines)).toEqual({
      '2026-11-20|Claude4.6Sonnet': 340_900_000n,
      '2026-11-21|Claude4.6Opus': 198_000_000n,
    });
    expect(totals(set.lines, true)).toEqual({
      '2026-11-20|Claude4.6Sonnet|input': 69_000_000n,
      '2026-11-20|Claude4.6Sonnet|output': 214_000_000n,
      '2026-11-20|Claude4.6Sonnet|cache_read': 12_300_000n,
      '2026-11-20|Claude4.6Sonnet|cache_write_5m': 45_600_000n,
      '2026-11-21|Claude4.6Opus|input': 198_000_000n,
    });
    // li-003 starts on line 4 and spans 2 lines, so li-004 is on line 6 and li-007 on line 9.
    expect(set.lines.map((l) => l.source.line)).toEqual([2, 3, 4, 6, 9]);
    expect(set.warnings.join('\n')).toMatch(
      /skipped 1 Bedrock line\(s\) of line_item_line_item_type "Tax"/,
    );
  });

  it('de-duplicates a re-delivered CUR by identity_line_item_id; CRLF and space-separated dates', async () => {
    const set = await loadCostReports('aws-cur', join(FIX, 'aws'));
    expect(set.duplicates).toBe(1);
    expect(totals(set.lines)['2026-11-22|Claude4.6Sonnet']).toBe(15_000_000n);
    expect([...set.coveredDays].sort()).toEqual(['2026-11-20', '2026-11-21', '2026-11-22']);
  });

  it('names Marketplace Claude lines from the CUR 2.0 product map', () => {
    const out = readAwsCur(
      'line_item_usage_start_date,line_item_product_code,line_item_usage_type,line_item_unblended_cost,product\n' +
        '2026-11-20T05:00:00Z,c8f7x2,USE1-MP:USE1_OutputTokenCount-Units,0.75,"{""product_name"":""Claude 3.5 Sonnet (Amazon Bedrock Edition)""}"\n',
      'mp.csv',
    );
    expect(out.lines.map((l) => [l.day, l.model, l.tokenType, l.nanos])).toEqual([
      ['2026-11-20', 'Claude 3.5 Sonnet (Amazon Bedrock Edition)', 'output', 750_000_000n],
    ]);
  });

  it('accepts legacy CUR column names', () => {
    const out = readAwsCur(
      'lineItem/UsageStartDate,lineItem/ProductCode,lineItem/UsageType,lineItem/UnblendedCost\n2026-11-20T00:00:00Z,AmazonBedrock,USE1-Claude4.6Sonnet-output-tokens,1.5\n',
      'legacy.csv',
    );
    expect(out.lines.map((l) => [l.model, l.tokenType, l.nanos])).toEqual([
      ['Claude4.6Sonnet', 'output', 1_500_000_000n],
    ]);
  });
});

describe('bad input names the file, line and field', () => {
  const bad = (name: string) => join(FIX, 'bad', name);

  it('truncated JSON', async () => {
    await expect(loadCostReports('openai-costs', bad('openai-truncated.json'))).rejects.toThrow(
      `${bad('openai-truncated.json')}:12: invalid JSON at column 38: unexpected end of input (truncated JSON?)`,
    );
  });

  it('mixed currencies in OpenAI costs', async () => {
    await expect(loadCostReports('openai-costs', bad('openai-eur.json'))).rejects.toThrow(
      `${bad('openai-eur.json')}:3: results[1].amount.currency: currency "eur" is not USD (mixed currencies are not supported)`,
    );
  });

  it('a malformed Anthropic amount', async () => {
    await expect(
      loadCostReports('anthropic-costs', bad('anthropic-bad-amount.json')),
    ).rejects.toThrow(
      `${bad('anthropic-bad-amount.json')}:3: results[1].amount: expected a decimal amount in cents, got "12,5"`,
    );
  });

  it('a CSV that is not CUR 2.0', async () => {
    await expect(loadCostReports('aws-cur', bad('cur-unknown-columns.csv'))).rejects.toThrow(
      `${bad('cur-unknown-columns.csv')}:1: line_item_usage_type, line_item_unblended_cost, line_item_usage_start_date: not an AWS CUR 2.0 header`,
    );
  });

  it('mixed currencies in CUR', async () => {
    await expect(loadCostReports('aws-cur', bad('cur-eur.csv'))).rejects.toThrow(
      `${bad('cur-eur.csv')}:3: line_item_currency_code: currency "EUR" is not USD`,
    );
  });

  it('an unterminated quoted CSV field', async () => {
    await expect(loadCostReports('aws-cur', bad('cur-unterminated.csv'))).rejects.toThrow(
      `${bad('cur-unterminated.csv')}:3: CSV: unterminated quoted field (truncated file?)`,
    );
  });

  it('a missing path', async () => {
    await expect(loadCostReports('aws-cur', bad('nope.csv'))).rejects.toThrow(
      `${bad('nope.csv')}: no such file or directory`,
    );
  });
});
