/**
 * AWS Cost and Usage Report 2.0 (CSV, optionally gzipped) lines for Amazon Bedrock. Bedrock
 * bills each token type on its own line; the kind is in `line_item_usage_type`:
 * `USE1-Claude4.6Sonnet-input-tokens`, `…-output-tokens`, `…-cache-read-input-token-count`,
 * `…-cache-write-input-token-count` (leaving out the cache lines is the most common
 * reconciliation gap). Legacy CUR headers (`lineItem/UsageType`) are accepted too.
 */
import { TOKEN_TYPE_LABEL as T } from '@ai-margin/conventions';
import { CsvParser, type CsvRecord, CsvSyntaxError } from '../csv';
import { isDay } from '../days';
import { ReconcileInputError } from '../errors';
import { amountRangeProblem, dollarsToNanos, nanosToUsd } from '../money';
import { OTHER_MODEL, RECONCILE_PROVIDER, type ReportLine } from '../types';
import type { ReaderOutput } from './common';

const PROVIDER = RECONCILE_PROVIDER.bedrock;

const COL = {
  usageType: 'line_item_usage_type',
  cost: 'line_item_unblended_cost',
  start: 'line_item_usage_start_date',
  productCode: 'line_item_product_code',
  lineItemType: 'line_item_line_item_type',
  currency: 'line_item_currency_code',
  id: 'identity_line_item_id',
  interval: 'identity_time_interval',
  productName: 'product_product_name',
  /** CUR 2.0 map column: JSON text such as {"product_name":"Claude 3.5 Sonnet (Amazon Bedrock Edition)"}. */
  productMap: 'product',
} as const;

const REQUIRED = [COL.usageType, COL.cost, COL.start] as const;

/** Line item types that are usage at list or discounted price; tax, credits, refunds and fees are not. */
const USAGE_LINE_TYPES = new Set(['Usage', 'DiscountedUsage', 'SavingsPlanCoveredUsage']);

const BEDROCK_PRODUCT_CODES = new Set(['AmazonBedrock', 'AmazonBedrockService']);

/** `lineItem/UsageType` -> `line_item_usage_type`; CUR 2.0 names pass unchanged. */
export function normaliseCurColumn(name: string): string {
  return name
    .trim()
    .replace(/\//g, '_')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

export interface BedrockUsageType {
  model: string;
  tokenType: string;
  region?: string;
}

const TOKEN_SUFFIXES: [RegExp, (usageType: string) => string][] = [
  [/-cache-read-input-token-count$/i, () => T.cacheRead],
  [/-cache-write-input-token-count$/i, (u) => (/1h/i.test(u) ? T.cacheWrite1h : T.cacheWrite5m)],
  [/-mantle-input-tokens(?:-.*)?$/i, () => T.input],
  [/-input-tokens(?:-.*)?$/i, () => T.input],
  [/-output-tokens(?:-.*)?$/i, () => T.output],
];

const MARKETPLACE = /MP:.*?(Input|Output)TokenCount/i;
const REGION_PREFIX = /^([A-Z]{2,4}\d)-(.+)$/;

/**
 * Model and token type from a Bedrock usage type. The model is the usage type without its
 * region prefix and token suffix (`USE1-Claude4.6Sonnet-input-tokens` -> `Claude4.6Sonnet`);
 * map it to the provisional model id with a model map. Non-token lines are `other`.
 */
export function parseBedrockUsageType(usageType: string, productName?: string): BedrockUsageType {
  const mp = MARKETPLACE.exec(usageType);
  if (mp) {
    return {
      model: productName?.trim() || OTHER_MODEL,
      tokenType: mp[1]?.toLowerCase() === 'input' ? T.input : T.output,
    };
  }
  const rm = REGION_PREFIX.exec(usageType);
  const region = rm?.[1];
  const rest = rm?.[2] ?? usageType;
  for (const [re, kind] of TOKEN_SUFFIXES) {
    const m = re.exec(rest);
    if (m) {
      const model = rest.slice(0, m.index) || OTHER_MODEL;
      return { model, tokenType: kind(usageType), ...(region ? { region } : {}) };
    }
  }
  return { model: OTHER_MODEL, tokenType: 'other', ...(region ? { region } : {}) };
}

const DATE =
  /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?)?$/;

function utcDay(text: string): string | undefined {
  const m = DATE.exec(text.trim());
  if (!m || !isDay(m[1] as string)) return undefined;
  const zone = m[3];
  if (!m[2] || !zone || zone === 'Z' || /^[+-]00:?00$/.test(zone)) return m[1];
  const ms = Date.parse(text.trim());
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString().slice(0, 10);
}

function productNameFromMap(text: string | undefined): string | undefined {
  if (!text?.startsWith('{')) return undefined;
  try {
    const map: unknown = JSON.parse(text);
    if (typeof map !== 'object' || map === null || !Object.hasOwn(map, 'product_name'))
      return undefined;
    const name = (map as { product_name?: unknown }).product_name;
    return typeof name === 'string' ? name : undefined;
  } catch {
    return undefined;
  }
}

/** Incremental CUR reader: feed text chunks, then call `end()`. */
export class AwsCurReader {
  private readonly parser: CsvParser;
  private header: string[] | undefined;
  private index = new Map<string, number>();
  private readonly lines: ReportLine[] = [];
  private readonly days = new Set<string>();
  private skippedTypes = new Map<string, number>();

  constructor(private readonly file: string) {
    this.parser = new CsvParser((r) => this.onRecord(r));
  }

  push(chunk: string): void {
    this.wrap(() => this.parser.push(chunk));
  }

  end(): ReaderOutput<ReportLine> {
    this.wrap(() => this.parser.end());
    if (!this.header)
      throw new ReconcileInputError(this.file, 1, undefined, 'empty CSV: no header line');
    const warnings = [...this.skippedTypes].map(
      ([type, n]) =>
        `${this.file}: skipped ${n} Bedrock line(s) of line_item_line_item_type "${type}" (not usage)`,
    );
    return { lines: this.lines, coveredDays: [...this.days].sort(), warnings };
  }

  private wrap(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      if (e instanceof CsvSyntaxError)
        throw new ReconcileInputError(this.file, e.line, undefined, `CSV: ${e.message}`);
      throw e;
    }
  }

  private fail(line: number, field: string | undefined, detail: string): never {
    throw new ReconcileInputError(this.file, line, field, detail);
  }

  private onRecord(record: CsvRecord): void {
    if (!this.header) {
      this.header = record.fields.map(normaliseCurColumn);
      this.header.forEach((name, i) => {
        if (this.index.has(name)) this.fail(record.line, name, 'duplicate column');
        this.index.set(name, i);
      });
      const missing = REQUIRED.filter((c) => !this.index.has(c));
      if (missing.length > 0) {
        this.fail(
          record.line,
          missing.join(', '),
          `not an AWS CUR 2.0 header: missing column(s); found columns ${record.fields.slice(0, 8).join(', ')}${record.fields.length > 8 ? ', …' : ''}`,
        );
      }
      return;
    }
    if (record.fields.length === 1 && record.fields[0] === '') return; // blank line
    if (record.fields.length !== this.header.length) {
      this.fail(
        record.line,
        undefined,
        `row has ${record.fields.length} fields, header has ${this.header.length}`,
      );
    }
    const get = (col: string) => {
      const i = this.index.get(col);
      return i === undefined ? undefined : record.fields[i];
    };
    const start = get(COL.start) ?? '';
    const day = utcDay(start);
    if (!day) this.fail(record.line, COL.start, `not a date: ${JSON.stringify(start)}`);
    this.days.add(day);

    const usageType = get(COL.usageType) ?? '';
    const productCode = get(COL.productCode);
    const isBedrock =
      productCode === undefined
        ? TOKEN_SUFFIXES.some(([re]) => re.test(usageType)) || MARKETPLACE.test(usageType)
        : BEDROCK_PRODUCT_CODES.has(productCode) || MARKETPLACE.test(usageType);
    if (!isBedrock) return;

    const currency = get(COL.currency);
    if (currency !== undefined && currency !== '' && currency !== 'USD') {
      this.fail(
        record.line,
        COL.currency,
        `currency "${currency}" is not USD (mixed currencies are not supported)`,
      );
    }
    const lineType = get(COL.lineItemType);
    if (lineType !== undefined && lineType !== '' && !USAGE_LINE_TYPES.has(lineType)) {
      this.skippedTypes.set(lineType, (this.skippedTypes.get(lineType) ?? 0) + 1);
      return;
    }
    const costText = get(COL.cost) ?? '';
    const nanos = dollarsToNanos(costText);
    if (nanos === undefined)
      this.fail(record.line, COL.cost, `not a dollar amount: ${JSON.stringify(costText)}`);
    const problem = amountRangeProblem(nanos, true);
    if (problem) this.fail(record.line, COL.cost, `${problem}: ${costText}`);

    const parsed = parseBedrockUsageType(
      usageType,
      get(COL.productName) ?? productNameFromMap(get(COL.productMap)),
    );
    const id = get(COL.id);
    const key = id
      ? `${PROVIDER}|${id}|${get(COL.interval) ?? ''}`
      : `${PROVIDER}|${JSON.stringify(record.fields)}`;
    this.lines.push({
      provider: PROVIDER,
      day,
      model: parsed.model,
      tokenType: parsed.tokenType,
      usd: nanosToUsd(nanos),
      nanos,
      detail: usageType,
      key,
      source: { file: this.file, line: record.line },
    });
  }
}

/** Reads a whole CUR CSV text. */
export function readAwsCur(text: string, file: string): ReaderOutput<ReportLine> {
  const reader = new AwsCurReader(file);
  reader.push(text);
  return reader.end();
}
