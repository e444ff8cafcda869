/**
 * OpenAI admin reports: `GET /v1/organization/costs` (daily buckets; `amount.value` is a number
 * in dollars; `line_item` is free text such as `gpt-4o-2024-08-06, cached input`) and
 * `GET /v1/organization/usage/completions` (`input_tokens` includes cached tokens).
 */
import { TOKEN_TYPE_LABEL as T } from '@ai-margin/conventions';
import { dayOfMs, isMidnightMs } from '../days';
import { parseJsonDocuments } from '../json-text';
import { amountRangeProblem, dollarsToNanos, nanosToUsd } from '../money';
import { OTHER_MODEL, RECONCILE_PROVIDER, type ReportLine, type UsageLine } from '../types';
import {
  bucketedOutput,
  dailyBucketsOf,
  FieldReader,
  forEachResult,
  isRecord,
  pushUsageLines,
  type ReaderOutput,
  stableKey,
} from './common';

const PROVIDER = RECONCILE_PROVIDER.openai;

/** What a cost line item says, e.g. `priority | gpt-5.6-sol, output, long context`. */
export interface OpenAILineItem {
  model: string;
  tokenType?: string;
  /** Service tier prefix (`priority`, `batch`, `flex`), when the line item has one. */
  tier?: string;
  /** Extra comma-separated qualifiers, e.g. `long context`. */
  qualifiers: string[];
}

/**
 * Audio token types: OpenAI bills them on their own lines, but the processor has no bucket for
 * them: reconciliation-only values that no provisional cost carries.
 */
const AUDIO_TOKEN_TYPE = {
  input: 'input_audio',
  cacheRead: 'cache_read_audio',
  output: 'output_audio',
} as const;

// A Map, not an object literal: line items are provider text (`gpt-4o, constructor` must not
// find Object.prototype.constructor).
const OPENAI_TOKEN_KIND: ReadonlyMap<string, string> = new Map(
  Object.entries({
    input: T.input,
    'uncached input': T.input,
    'cached input': T.cacheRead,
    'cache read': T.cacheRead,
    output: T.output,
    'reasoning output': T.reasoning,
    'audio input': AUDIO_TOKEN_TYPE.input,
    'input audio': AUDIO_TOKEN_TYPE.input,
    'cached audio input': AUDIO_TOKEN_TYPE.cacheRead,
    'audio output': AUDIO_TOKEN_TYPE.output,
    'output audio': AUDIO_TOKEN_TYPE.output,
  }),
);

const MODEL_ID = /^[A-Za-z0-9][\w.:/-]*$/;

/** Splits a cost `line_item` into model and token type; anything unrecognised is model `other`. */
export function parseOpenAILineItem(lineItem: string | null | undefined): OpenAILineItem {
  if (!lineItem) return { model: OTHER_MODEL, qualifiers: [] };
  let rest = lineItem.trim();
  let tier: string | undefined;
  const bar = rest.indexOf('|');
  if (bar >= 0) {
    tier = rest.slice(0, bar).trim().toLowerCase() || undefined;
    rest = rest.slice(bar + 1).trim();
  }
  const parts = rest.split(',').map((p) => p.trim());
  const [model = '', kind, ...qualifiers] = parts;
  if (kind === undefined || !MODEL_ID.test(model)) {
    return { model: OTHER_MODEL, qualifiers: [], ...(tier ? { tier } : {}) };
  }
  const tokenType = OPENAI_TOKEN_KIND.get(kind.toLowerCase()) ?? 'other';
  return { model, tokenType, qualifiers, ...(tier ? { tier } : {}) };
}

/** A bucket's UTC day: `start_time` / `end_time` are epoch seconds, exactly one day apart. */
function bucketDay(bucket: Record<string, unknown>, f: string, reader: FieldReader): string {
  const start = reader.number(bucket, 'start_time', `${f}.start_time`);
  const end = reader.number(bucket, 'end_time', `${f}.end_time`);
  if (!isMidnightMs(start * 1000) || end - start !== 86_400) {
    reader.fail(
      bucket,
      `${f}.start_time`,
      `bucket ${start}..${end} is not one UTC day: fetch with bucket_width=1d and a start_time at 00:00 UTC`,
    );
  }
  return dayOfMs(start * 1000);
}

/** Reads OpenAI `organization/costs` pages (grouped by `line_item`, optionally `project_id`). */
export function readOpenAICosts(text: string, file: string): ReaderOutput<ReportLine> {
  const docs = parseJsonDocuments(text, file);
  const reader: FieldReader = new FieldReader(file, docs);
  const { buckets, openPage } = dailyBucketsOf(docs, file, reader, bucketDay);
  const warnings: string[] = [];
  const lines: ReportLine[] = [];
  let ungrouped = false;
  forEachResult(buckets, reader, (result, f, day) => {
    const amount = reader.record(result, result.amount, `${f}.amount`);
    const currency = reader.optionalString(amount, 'currency', `${f}.amount.currency`);
    if (currency !== undefined && currency.toLowerCase() !== 'usd') {
      reader.fail(
        amount,
        `${f}.amount.currency`,
        `currency "${currency}" is not USD (mixed currencies are not supported)`,
      );
    }
    const value = amount.value;
    const raw = typeof value === 'string' ? value : docs.rawNumber(amount, 'value');
    const nanos = raw === undefined ? undefined : dollarsToNanos(raw);
    if (nanos === undefined) {
      reader.fail(
        amount,
        `${f}.amount.value`,
        `expected a dollar amount, got ${JSON.stringify(value)}`,
      );
    }
    const problem = amountRangeProblem(nanos, true);
    if (problem) reader.fail(amount, `${f}.amount.value`, `${problem}: ${raw}`);
    const lineItem = reader.optionalString(result, 'line_item', `${f}.line_item`);
    if (lineItem === undefined) ungrouped = true;
    const parsed = parseOpenAILineItem(lineItem);
    lines.push({
      provider: PROVIDER,
      day,
      model: parsed.model,
      ...(parsed.tokenType ? { tokenType: parsed.tokenType } : {}),
      usd: nanosToUsd(nanos),
      nanos,
      ...(lineItem ? { detail: lineItem } : {}),
      key: stableKey(PROVIDER, day, result, ['amount']),
      source: { file, line: docs.lineOf(result) },
    });
  });
  if (ungrouped) {
    warnings.push(
      `${file}: results without line_item (fetch with group_by=line_item to get models): counted as model "${OTHER_MODEL}"`,
    );
  }
  return bucketedOutput(lines, buckets, warnings, openPage);
}

/**
 * Reads OpenAI `usage/completions` pages (grouped by `model`). `input_tokens` includes cached
 * tokens, so uncached input = input_tokens - input_cached_tokens.
 */
export function readOpenAIUsage(text: string, file: string): ReaderOutput<UsageLine> {
  const docs = parseJsonDocuments(text, file);
  const reader: FieldReader = new FieldReader(file, docs);
  const { buckets, openPage } = dailyBucketsOf(docs, file, reader, bucketDay);
  const warnings: string[] = [];
  const lines: UsageLine[] = [];
  forEachResult(buckets, reader, (result, f, day) => {
    const input = reader.count(result, 'input_tokens', `${f}.input_tokens`);
    const cached = reader.count(result, 'input_cached_tokens', `${f}.input_cached_tokens`);
    const output = reader.count(result, 'output_tokens', `${f}.output_tokens`);
    if (cached > input) {
      reader.fail(
        result,
        `${f}.input_cached_tokens`,
        `${cached} cached tokens exceed input_tokens ${input}`,
      );
    }
    const model = reader.optionalString(result, 'model', `${f}.model`) ?? OTHER_MODEL;
    const source = { file, line: docs.lineOf(result) };
    const counted = [
      'input_tokens',
      'input_cached_tokens',
      'output_tokens',
      'input_audio_tokens',
      'output_audio_tokens',
      'num_model_requests',
      'input_uncached_tokens',
      'input_text_tokens',
      'input_image_tokens',
    ];
    const key = stableKey(PROVIDER, day, isRecord(result) ? result : {}, counted);
    pushUsageLines(lines, { provider: PROVIDER, day, model, key, source }, [
      [T.input, input - cached],
      [T.cacheRead, cached],
      [T.output, output],
    ]);
  });
  return bucketedOutput(lines, buckets, warnings, openPage);
}
