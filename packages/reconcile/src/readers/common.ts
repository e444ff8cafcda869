/** Shared plumbing for the JSON page readers: page iteration, typed field access, keys. */
import { ReconcileInputError, type SourceRef } from '../errors';
import type { JsonDocuments } from '../json-text';
import type { ReportLine, UsageLine } from '../types';

/** What one reader returns for one file (merged and de-duplicated by `loadReports`). */
export interface ReaderOutput<L = ReportLine> {
  lines: L[];
  coveredDays: string[];
  warnings: string[];
  /**
   * Set when the file's last page says `has_more: true`: the next page token. Pages split over
   * several files are fine; the loader warns only when the last file of a set is left open.
   */
  openPage?: string;
}

export type CostReader = (text: string, file: string) => ReaderOutput<ReportLine>;
export type UsageReader = (text: string, file: string) => ReaderOutput<UsageLine>;

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A page with its position, for error messages. */
export interface PageRef {
  page: Record<string, unknown>;
  /** `page 2` or `page 2 (document 1, item 3)`. */
  label: string;
  line: number | undefined;
  hasMore: boolean;
  nextPage: unknown;
}

/**
 * Every page in a file: a file is one page (`{"data": [...], "has_more": ...}`), a JSON array
 * of pages, or several pages one after another (NDJSON).
 */
export function pagesOf(docs: JsonDocuments, file: string): PageRef[] {
  const pages: PageRef[] = [];
  const add = (v: unknown) => {
    const line = docs.lineOf(v);
    if (!isRecord(v) || !Array.isArray(v.data)) {
      throw new ReconcileInputError(
        file,
        line,
        'data',
        'not a report page: expected an object with a "data" array',
      );
    }
    pages.push({
      page: v,
      label: `page ${pages.length + 1}`,
      line,
      hasMore: v.has_more === true,
      nextPage: v.next_page,
    });
  };
  for (const value of docs.values) {
    if (Array.isArray(value)) for (const v of value) add(v);
    else add(value);
  }
  return pages;
}

/** The next-page token when a file's last page says more pages follow. */
export function openPageOf(pages: PageRef[]): string | undefined {
  const last = pages[pages.length - 1];
  return last?.hasMore ? String(last.nextPage ?? '') : undefined;
}

export class FieldReader {
  constructor(
    readonly file: string,
    readonly docs: JsonDocuments,
  ) {}

  fail(obj: unknown, field: string, detail: string): never {
    throw new ReconcileInputError(this.file, this.docs.lineOf(obj), field, detail);
  }

  record(parent: unknown, value: unknown, field: string): Record<string, unknown> {
    if (!isRecord(value)) this.fail(parent, field, 'expected an object');
    return value;
  }

  array(obj: Record<string, unknown>, key: string, field: string): unknown[] {
    const v = obj[key];
    if (!Array.isArray(v)) this.fail(obj, field, 'expected an array');
    return v;
  }

  number(obj: Record<string, unknown>, key: string, field: string): number {
    const v = obj[key];
    if (typeof v !== 'number' || !Number.isFinite(v))
      this.fail(obj, field, `expected a number, got ${JSON.stringify(v)}`);
    return v;
  }

  /** A non-negative integer token count; missing or null counts as 0. */
  count(obj: Record<string, unknown>, key: string, field: string): number {
    const v = obj[key];
    if (v === undefined || v === null) return 0;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
      this.fail(obj, field, `expected a token count, got ${JSON.stringify(v)}`);
    }
    return v;
  }

  optionalString(obj: Record<string, unknown>, key: string, field: string): string | undefined {
    const v = obj[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') this.fail(obj, field, `expected a string, got ${JSON.stringify(v)}`);
    return v;
  }

  string(obj: Record<string, unknown>, key: string, field: string): string {
    const v = this.optionalString(obj, key, field);
    if (v === undefined) this.fail(obj, field, 'missing');
    return v;
  }
}

/**
 * A stable identity for a report result: the bucket day plus every grouping field, excluding
 * the measured values, so the same result seen twice (overlapping pages, re-fetched files) has
 * the same key and a re-fetched result with a revised amount replaces the old one.
 */
export function stableKey(
  provider: string,
  day: string,
  result: Record<string, unknown>,
  exclude: readonly string[],
  suffix = '',
): string {
  const parts = Object.keys(result)
    .filter((k) => !exclude.includes(k))
    .sort()
    .map((k) => `${k}=${JSON.stringify(result[k] ?? null)}`);
  return `${provider}|${day}|${parts.join('|')}${suffix ? `|${suffix}` : ''}`;
}

/** One daily bucket of a report page (`data[i]`), with its unread `results`. */
export interface DailyBucket {
  day: string;
  results: unknown[];
  bucket: Record<string, unknown>;
}

/**
 * Every daily bucket of every page in a file, in order, and the file's open next-page token.
 * `dayOf` reads and checks the bucket's own time fields (`field` is e.g. `page 1 data[0]`) and
 * returns its UTC day; it runs before the bucket's `results` array is checked.
 */
export function dailyBucketsOf(
  docs: JsonDocuments,
  file: string,
  reader: FieldReader,
  dayOf: (bucket: Record<string, unknown>, field: string, reader: FieldReader) => string,
): { buckets: DailyBucket[]; openPage: string | undefined } {
  const pages = pagesOf(docs, file);
  const buckets: DailyBucket[] = [];
  for (const { page, label } of pages) {
    (page.data as unknown[]).forEach((b, bi) => {
      const f = `${label} data[${bi}]`;
      const bucket = reader.record(page, b, f);
      const day = dayOf(bucket, f, reader);
      const results = reader.array(bucket, 'results', `${f}.results`);
      buckets.push({ day, results, bucket });
    });
  }
  return { buckets, openPage: openPageOf(pages) };
}

/** Calls `fn` for each result object of each bucket, with its field path `results[i]`. */
export function forEachResult(
  buckets: readonly DailyBucket[],
  reader: FieldReader,
  fn: (result: Record<string, unknown>, field: string, day: string) => void,
): void {
  for (const { day, results, bucket } of buckets) {
    results.forEach((r, ri) => {
      const f = `results[${ri}]`;
      fn(reader.record(bucket, r, f), f, day);
    });
  }
}

/** A bucketed reader's output: every bucket's day counts as covered, results or not. */
export function bucketedOutput<L>(
  lines: L[],
  buckets: readonly DailyBucket[],
  warnings: string[],
  openPage: string | undefined,
): ReaderOutput<L> {
  return {
    lines,
    coveredDays: [...new Set(buckets.map((b) => b.day))],
    warnings,
    ...(openPage !== undefined ? { openPage } : {}),
  };
}

/**
 * Adds one usage line per `[tokenType, tokens]` of one result, in order; each line's key is the
 * result's `key` plus `|tokenType`.
 */
export function pushUsageLines(
  lines: UsageLine[],
  result: { provider: string; day: string; model: string; key: string; source: SourceRef },
  counts: ReadonlyArray<readonly [string, number]>,
): void {
  const { provider, day, model, key, source } = result;
  for (const [tokenType, tokens] of counts) {
    lines.push({ provider, day, model, tokenType, tokens, key: `${key}|${tokenType}`, source });
  }
}
