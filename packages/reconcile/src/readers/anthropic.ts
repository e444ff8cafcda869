/**
 * Anthropic admin reports: `GET /v1/organizations/cost_report` (daily buckets; `amount` is a
 * decimal STRING in CENTS: "123.45" is $1.2345) and `GET /v1/organizations/usage_report/messages`
 * (`uncached_input_tokens` excludes cache reads and writes).
 */
import { TOKEN_TYPE_LABEL as T } from '@ai-margin/conventions';
import { dayOfMs, isMidnightMs } from '../days';
import { parseJsonDocuments } from '../json-text';
import { amountRangeProblem, centsToNanos, nanosToUsd } from '../money';
import { OTHER_MODEL, RECONCILE_PROVIDER, type ReportLine, type UsageLine } from '../types';
import {
  bucketedOutput,
  dailyBucketsOf,
  FieldReader,
  forEachResult,
  pushUsageLines,
  type ReaderOutput,
  stableKey,
} from './common';

const PROVIDER = RECONCILE_PROVIDER.anthropic;

// A Map, not an object literal: token types are report text (`constructor` must not find
// Object.prototype.constructor).
const ANTHROPIC_TOKEN_TYPE: ReadonlyMap<string, string> = new Map(
  Object.entries({
    uncached_input_tokens: T.input,
    input_tokens: T.input,
    output_tokens: T.output,
    cache_read_input_tokens: T.cacheRead,
    'cache_creation.ephemeral_5m_input_tokens': T.cacheWrite5m,
    'cache_creation.ephemeral_1h_input_tokens': T.cacheWrite1h,
    ephemeral_5m_input_tokens: T.cacheWrite5m,
    ephemeral_1h_input_tokens: T.cacheWrite1h,
  }),
);

/** Maps a cost-report `token_type` to a catalog token type (unknown ones pass through). */
export function anthropicTokenType(tokenType: string): string {
  return ANTHROPIC_TOKEN_TYPE.get(tokenType) ?? tokenType;
}

const ISO_MIDNIGHT = /^\d{4}-\d{2}-\d{2}T00:00:00(?:\.0+)?(?:Z|\+00:00)$/;

/** A bucket's UTC day: `starting_at` / `ending_at` are ISO instants, midnight to midnight. */
function bucketDay(bucket: Record<string, unknown>, f: string, reader: FieldReader): string {
  const start = reader.string(bucket, 'starting_at', `${f}.starting_at`);
  const end = reader.string(bucket, 'ending_at', `${f}.ending_at`);
  const startMs = Date.parse(start);
  const endMs = Date.parse(end);
  if (!ISO_MIDNIGHT.test(start) || !isMidnightMs(startMs) || endMs - startMs !== 86_400_000) {
    reader.fail(
      bucket,
      `${f}.starting_at`,
      `bucket ${start}..${end} is not one UTC day: fetch with bucket_width=1d`,
    );
  }
  return dayOfMs(startMs);
}

/** Reads Anthropic `cost_report` pages (group by `description` to get model and token type). */
export function readAnthropicCosts(text: string, file: string): ReaderOutput<ReportLine> {
  const docs = parseJsonDocuments(text, file);
  const reader: FieldReader = new FieldReader(file, docs);
  const { buckets, openPage } = dailyBucketsOf(docs, file, reader, bucketDay);
  const warnings: string[] = [];
  const lines: ReportLine[] = [];
  let ungrouped = false;
  forEachResult(buckets, reader, (result, f, day) => {
    const currency = reader.optionalString(result, 'currency', `${f}.currency`);
    if (currency !== undefined && currency.toUpperCase() !== 'USD') {
      reader.fail(
        result,
        `${f}.currency`,
        `currency "${currency}" is not USD (mixed currencies are not supported)`,
      );
    }
    const amount = result.amount;
    // The API sends a string; a number is accepted from its source text, still in cents.
    const raw = typeof amount === 'string' ? amount : docs.rawNumber(result, 'amount');
    const nanos = raw === undefined ? undefined : centsToNanos(raw);
    if (nanos === undefined) {
      reader.fail(
        result,
        `${f}.amount`,
        `expected a decimal amount in cents, got ${JSON.stringify(amount)}`,
      );
    }
    const problem = amountRangeProblem(nanos, true);
    if (problem) reader.fail(result, `${f}.amount`, `${problem}: ${raw} cents`);
    const model = reader.optionalString(result, 'model', `${f}.model`);
    const costType = reader.optionalString(result, 'cost_type', `${f}.cost_type`);
    const tokenTypeRaw = reader.optionalString(result, 'token_type', `${f}.token_type`);
    const description = reader.optionalString(result, 'description', `${f}.description`);
    if (model === undefined && description === undefined) ungrouped = true;
    const tokenType =
      tokenTypeRaw !== undefined
        ? anthropicTokenType(tokenTypeRaw)
        : costType !== undefined && costType !== 'tokens'
          ? costType
          : undefined;
    lines.push({
      provider: PROVIDER,
      day,
      model: model ?? OTHER_MODEL,
      ...(tokenType ? { tokenType } : {}),
      usd: nanosToUsd(nanos),
      nanos,
      ...(description ? { detail: description } : {}),
      key: stableKey(PROVIDER, day, result, ['amount']),
      source: { file, line: docs.lineOf(result) },
    });
  });
  if (ungrouped) {
    warnings.push(
      `${file}: results without model or description (fetch with group_by[]=description to get models): counted as model "${OTHER_MODEL}"`,
    );
  }
  return bucketedOutput(lines, buckets, warnings, openPage);
}

/** Reads Anthropic `usage_report/messages` pages (group by `model`). */
export function readAnthropicUsage(text: string, file: string): ReaderOutput<UsageLine> {
  const docs = parseJsonDocuments(text, file);
  const reader: FieldReader = new FieldReader(file, docs);
  const { buckets, openPage } = dailyBucketsOf(docs, file, reader, bucketDay);
  const warnings: string[] = [];
  const lines: UsageLine[] = [];
  forEachResult(buckets, reader, (result, f, day) => {
    const model = reader.optionalString(result, 'model', `${f}.model`) ?? OTHER_MODEL;
    const cacheCreation = result.cache_creation ?? {};
    const cc = reader.record(result, cacheCreation, `${f}.cache_creation`);
    const counts: [string, number][] = [
      [T.input, reader.count(result, 'uncached_input_tokens', `${f}.uncached_input_tokens`)],
      [
        T.cacheRead,
        reader.count(result, 'cache_read_input_tokens', `${f}.cache_read_input_tokens`),
      ],
      [
        T.cacheWrite5m,
        reader.count(
          cc,
          'ephemeral_5m_input_tokens',
          `${f}.cache_creation.ephemeral_5m_input_tokens`,
        ),
      ],
      [
        T.cacheWrite1h,
        reader.count(
          cc,
          'ephemeral_1h_input_tokens',
          `${f}.cache_creation.ephemeral_1h_input_tokens`,
        ),
      ],
      [T.output, reader.count(result, 'output_tokens', `${f}.output_tokens`)],
    ];
    const key = stableKey(PROVIDER, day, result, [
      'uncached_input_tokens',
      'cache_read_input_tokens',
      'cache_creation',
      'output_tokens',
      'server_tool_use',
    ]);
    const source = { file, line: docs.lineOf(result) };
    pushUsageLines(lines, { provider: PROVIDER, day, model, key, source }, counts);
  });
  return bucketedOutput(lines, buckets, warnings, openPage);
}
