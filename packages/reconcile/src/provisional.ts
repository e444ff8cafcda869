/**
 * Provisional (live-priced) daily cost per provider, model and customer: from a
 * Prometheus-compatible query API, or from a JSON/NDJSON file.
 *
 * File format (JSON array, `{"costs": [...]}`, or NDJSON, one object per line):
 *   {"day":"2026-11-20","provider":"openai","model":"gpt-4o-2024-08-06","customer_id":"acme","usd":1.25}
 * `usd` is a number or a decimal string (exact); optional `token_type` (catalog token type)
 * enables a per-token-type comparison where the report has token types; other fields are ignored.
 */
import { readFile } from 'node:fs/promises';
import { LABELS, UNATTRIBUTED } from '@ai-margin/conventions';
import {
  type InstantSample,
  PrometheusQueryError,
  prometheusClient,
  provisionalLlmCostOfDay,
} from '@ai-margin/dashboards';
import { addDays, dayStartMs, daysBetween, isDay } from './days';
import { ReconcileFetchError, ReconcileInputError, type SourceRef } from './errors';
import { parseJsonDocuments } from './json-text';
import { amountRangeProblem, dollarsToNanos, floatDollarsToNanos, nanosToUsd } from './money';
import { isRecord } from './readers/common';

export interface ProvisionalCost {
  day: string;
  provider: string;
  model: string;
  customerId: string;
  tokenType?: string;
  usd: number;
  nanos: bigint;
  source?: SourceRef;
}

/** The daily provisional cost query (from the query catalog; its comment says how exact it is). */
export const PROVISIONAL_DAILY_QUERY = provisionalLlmCostOfDay();

export interface FetchProvisionalOptions {
  /** Base URL of the query API, e.g. `http://127.0.0.1:8428` or `http://prometheus:9090`. */
  url: string;
  /** First and last UTC day, both included. */
  from: string;
  to: string;
  /** Override the query (it must return provider, model and customer_id labels). */
  query?: string;
  headers?: Record<string, string>;
  /** Per query; the client's default otherwise. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/**
 * A failed query as reconciliation reports it: a wrong URL or query (HTTP 4xx, an answer that
 * is not a vector) is bad input (exit 2); an unreachable or failing server (5xx, timeout) is a
 * failed fetch (exit 1).
 */
function queryFailure(e: PrometheusQueryError, where: string): Error {
  const serverSide =
    e.kind === 'unreachable' || e.kind === 'timeout' || (e.status !== undefined && e.status >= 500);
  if (serverSide) return new ReconcileFetchError(where, `query failed: ${e.detail}`);
  return new ReconcileInputError(where, undefined, undefined, e.detail);
}

/** Runs the daily query once per day and returns one row per (day, provider, model, customer). */
export async function fetchProvisionalCosts(
  opts: FetchProvisionalOptions,
): Promise<ProvisionalCost[]> {
  // noCache: the counters may have been imported with old timestamps moments ago.
  const client = prometheusClient({
    url: opts.url,
    noCache: true,
    ...(opts.headers ? { headers: opts.headers } : {}),
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  });
  const query = opts.query ?? PROVISIONAL_DAILY_QUERY;
  const endpoint = `${opts.url.replace(/\/+$/, '')}/api/v1/query`;
  const out: ProvisionalCost[] = [];
  for (const day of daysBetween(opts.from, opts.to)) {
    const time = dayStartMs(addDays(day, 1)) / 1000;
    const where = `${endpoint} (day ${day})`;
    let samples: InstantSample[];
    try {
      samples = await client.instant(query, time);
    } catch (e) {
      throw e instanceof PrometheusQueryError ? queryFailure(e, where) : e;
    }
    for (const { labels, value } of samples) {
      if (!Number.isFinite(value)) {
        throw new ReconcileInputError(where, undefined, 'value', `not a finite cost: ${value}`);
      }
      const nanos = floatDollarsToNanos(value);
      const problem = amountRangeProblem(nanos, true);
      if (problem) {
        throw new ReconcileInputError(where, undefined, 'value', `${problem}: ${value}`);
      }
      if (nanos === 0n) continue;
      out.push({
        day,
        provider: labels[LABELS.provider] ?? '',
        model: labels[LABELS.model] ?? '',
        customerId: labels[LABELS.customer] || UNATTRIBUTED,
        usd: nanosToUsd(nanos),
        nanos,
        source: { file: where },
      });
    }
  }
  return out;
}

/** Parses provisional cost rows from JSON / NDJSON text (format in the module comment). */
export function parseProvisionalCosts(text: string, file: string): ProvisionalCost[] {
  const docs = parseJsonDocuments(text, file);
  const rows: unknown[] = [];
  for (const v of docs.values) {
    if (Array.isArray(v)) rows.push(...v);
    else if (isRecord(v) && Array.isArray(v.costs)) rows.push(...v.costs);
    else rows.push(v);
  }
  return rows.map((row, i) => {
    const line = docs.lineOf(row);
    const fail = (field: string, detail: string): never => {
      throw new ReconcileInputError(file, line, `[${i}].${field}`, detail);
    };
    if (!isRecord(row)) return fail('', 'expected an object');
    const str = (key: string, required: boolean): string | undefined => {
      const v = row[key];
      if (v === undefined || v === null) return required ? fail(key, 'missing') : undefined;
      if (typeof v !== 'string' || v === '')
        return fail(key, `expected a non-empty string, got ${JSON.stringify(v)}`);
      return v;
    };
    const day = str('day', true) as string;
    if (!isDay(day)) fail('day', `expected YYYY-MM-DD, got ${JSON.stringify(day)}`);
    const currency = str('currency', false);
    if (currency !== undefined && currency.toUpperCase() !== 'USD')
      fail('currency', `currency "${currency}" is not USD`);
    const usd = row.usd;
    const raw = typeof usd === 'string' ? usd : docs.rawNumber(row, 'usd');
    const nanos = raw === undefined ? undefined : dollarsToNanos(raw);
    if (nanos === undefined)
      return fail('usd', `expected a dollar amount, got ${JSON.stringify(usd)}`);
    const problem = amountRangeProblem(nanos, false);
    if (problem) fail('usd', `${problem}: ${raw}`);
    const tokenType = str('token_type', false);
    return {
      day,
      provider: str('provider', true) as string,
      model: str('model', true) as string,
      customerId: str('customer_id', false) ?? UNATTRIBUTED,
      ...(tokenType ? { tokenType } : {}),
      usd: nanosToUsd(nanos),
      nanos,
      source: { file, ...(line !== undefined ? { line } : {}) },
    };
  });
}

export async function readProvisionalFile(file: string): Promise<ProvisionalCost[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const reason = `${err.code ?? ''} ${err.message}`.trim();
    throw new ReconcileInputError(file, undefined, undefined, `cannot read file: ${reason}`);
  }
  return parseProvisionalCosts(text, file);
}

/** Serialises rows in the provisional file format (NDJSON), e.g. for the processor to write. */
export function formatProvisionalCosts(rows: readonly ProvisionalCost[]): string {
  return rows
    .map((r) =>
      JSON.stringify({
        day: r.day,
        provider: r.provider,
        model: r.model,
        customer_id: r.customerId,
        ...(r.tokenType ? { token_type: r.tokenType } : {}),
        usd: r.usd,
      }),
    )
    .join('\n')
    .concat(rows.length ? '\n' : '');
}
