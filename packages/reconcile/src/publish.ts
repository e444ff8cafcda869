/**
 * Publishes a reconciliation to a TSDB as gauges stamped with each day's START (00:00 UTC of the
 * day the value describes), in milliseconds:
 * - VictoriaMetrics: Prometheus text lines with timestamps to `/api/v1/import/prometheus`;
 * - Prometheus: an OpenMetrics file for `promtool tsdb create-blocks-from openmetrics`.
 * Values are gauges (not counters), so publishing the same result twice writes the same value at
 * the same timestamp and sums over customers or days do not change.
 */
import { rename, rm, writeFile } from 'node:fs/promises';
import { LABELS, METRICS, type MetricDefinition } from '@ai-margin/conventions';
import { prometheusClient } from '@ai-margin/dashboards';
import { dayStartMs } from './days';
import { fetchFailureReason } from './errors';
import { nanosToUsd } from './money';
import type { ReconcileResult } from './reconciler';

export interface Sample {
  metric: MetricDefinition;
  labels: Record<string, string>;
  value: number;
  /** Epoch milliseconds. */
  timestampMs: number;
}

/** The samples a reconciliation publishes (see module comment for the timestamp rule). */
export function reconciliationSamples(result: ReconcileResult): Sample[] {
  const out: Sample[] = [];
  for (const row of result.rows) {
    const ts = dayStartMs(row.day);
    const labels = { [LABELS.provider]: row.provider, [LABELS.model]: row.model };
    out.push({
      metric: METRICS.provisionalCostDaily,
      labels,
      value: row.provisionalUsd,
      timestampMs: ts,
    });
    if (row.reportedNanos !== null) {
      out.push({
        metric: METRICS.reconciledCostDaily,
        labels,
        value: nanosToUsd(row.reportedNanos),
        timestampMs: ts,
      });
    }
    if (row.ratio !== null) {
      out.push({ metric: METRICS.reconciliationRatio, labels, value: row.ratio, timestampMs: ts });
    }
  }
  for (const c of result.corrections) {
    out.push({
      metric: METRICS.costCorrection,
      labels: { [LABELS.customer]: c.customerId, [LABELS.provider]: c.provider },
      value: c.usd,
      timestampMs: dayStartMs(c.day),
    });
  }
  return out;
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

/**
 * Sample values as text. Inputs are range-checked, so a non-finite value here is a bug: it is
 * refused rather than written as `+Inf`/`NaN`, which would poison sums and the drift alert.
 */
function formatValue(s: Sample): string {
  if (!Number.isFinite(s.value)) {
    throw new RangeError(
      `${seriesText(s)} at ${new Date(s.timestampMs).toISOString()}: not a finite value (${s.value}); nothing written`,
    );
  }
  return String(s.value);
}

function seriesText(s: Sample): string {
  const labels = s.metric.labels
    .filter((name) => s.labels[name] !== undefined)
    .map((name) => `${name}="${escapeLabel(s.labels[name] as string)}"`)
    .join(',');
  return `${s.metric.promName}{${labels}}`;
}

/** Prometheus text exposition lines with millisecond timestamps (VictoriaMetrics import). */
export function formatPrometheusImport(samples: readonly Sample[]): string {
  return samples.map((s) => `${seriesText(s)} ${formatValue(s)} ${s.timestampMs}\n`).join('');
}

/**
 * An OpenMetrics text file with timestamps in seconds, one contiguous block per metric family,
 * series sorted, samples in time order, ending with `# EOF`: the input of
 * `promtool tsdb create-blocks-from openmetrics FILE DATA_DIR`.
 */
export function formatOpenMetrics(samples: readonly Sample[]): string {
  const families = new Map<string, Sample[]>();
  for (const s of samples) {
    const list = families.get(s.metric.promName) ?? [];
    list.push(s);
    families.set(s.metric.promName, list);
  }
  let text = '';
  for (const name of [...families.keys()].sort()) {
    const list = families.get(name)!;
    const metric = list[0]!.metric;
    text += `# HELP ${name} ${metric.description.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n`;
    text += `# TYPE ${name} gauge\n`;
    const sorted = list
      .map((s) => ({ s, series: seriesText(s) }))
      .sort((a, b) =>
        a.series === b.series ? a.s.timestampMs - b.s.timestampMs : a.series < b.series ? -1 : 1,
      );
    for (const { s, series } of sorted) {
      text += `${series} ${formatValue(s)} ${s.timestampMs / 1000}\n`;
    }
  }
  return `${text}# EOF\n`;
}

export interface VictoriaMetricsImportOptions {
  /** Base URL, e.g. `http://127.0.0.1:8428` (single node) or `http://vminsert:8480/insert/0/prometheus`. */
  url: string;
  headers?: Record<string, string>;
  fetch?: typeof fetch;
}

/** POSTs samples to VictoriaMetrics' `/api/v1/import/prometheus`. */
export async function publishToVictoriaMetrics(
  samples: readonly Sample[],
  opts: VictoriaMetricsImportOptions,
): Promise<void> {
  if (samples.length === 0) return;
  await postPrometheusImport(formatPrometheusImport(samples), opts);
}

/**
 * POSTs an already formatted import body (`formatPrometheusImport`) in one request, so a caller
 * can format, and so check, every sample before writing anything anywhere.
 */
export async function postPrometheusImport(
  body: string,
  opts: VictoriaMetricsImportOptions,
): Promise<void> {
  if (body === '') return;
  const doFetch = opts.fetch ?? fetch;
  const url = `${opts.url.replace(/\/+$/, '')}/api/v1/import/prometheus`;
  let res: Response;
  try {
    res = await doFetch(url, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', ...opts.headers },
      body,
    });
  } catch (e) {
    throw new Error(`VictoriaMetrics import to ${url} failed: ${fetchFailureReason(e)}`);
  }
  if (!res.ok) {
    throw new Error(
      `VictoriaMetrics import to ${url} failed: HTTP ${res.status} ${(await res.text()).slice(0, 300)}`,
    );
  }
}

/**
 * Writes the OpenMetrics file atomically (temp file + rename), so a reader never sees half a
 * file; on failure the temp file is removed and `path` is left as it was.
 */
export async function writeOpenMetricsFile(
  path: string,
  samples: readonly Sample[],
): Promise<void> {
  const text = formatOpenMetrics(samples);
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    await writeFile(tmp, text);
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  }
}

/** Raw samples already in the TSDB, by series text (`name{label="v",…}` in catalog label order). */
export type PublishedSamples = Map<string, [timestampMs: number, value: number][]>;

const RECONCILIATION_METRICS = [
  METRICS.reconciliationRatio,
  METRICS.reconciledCostDaily,
  METRICS.provisionalCostDaily,
  METRICS.costCorrection,
];

/** Samples of one day may sit at the day start plus up to this many ms (one per revision). */
export const MAX_REVISIONS_PER_DAY = 1000;

export interface ReadPublishedOptions {
  /** Query API base URL (VictoriaMetrics single node, vmselect `…/select/0/prometheus`, Prometheus). */
  url: string;
  /** First and last UTC day (both included). */
  from: string;
  to: string;
  headers?: Record<string, string>;
  /** Per query; the client's default otherwise. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/**
 * Reads the reconciliation samples already stored for [from, to] with a range selector in an
 * instant query (both Prometheus and VictoriaMetrics return raw samples for it). A failure
 * throws the client's PrometheusQueryError, which names the URL and the query.
 */
export async function readPublishedSamples(opts: ReadPublishedOptions): Promise<PublishedSamples> {
  // noCache: what the previous run imported must be visible at once.
  const client = prometheusClient({
    url: opts.url,
    noCache: true,
    ...(opts.headers ? { headers: opts.headers } : {}),
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  });
  const time = dayStartMs(opts.to) + MAX_REVISIONS_PER_DAY;
  const rangeMs = time - dayStartMs(opts.from) + MAX_REVISIONS_PER_DAY;
  const names = RECONCILIATION_METRICS.map((m) => m.promName).join('|');
  const series = await client.rawSamples(`{__name__=~"${names}"}[${rangeMs}ms]`, time / 1000);
  const out: PublishedSamples = new Map();
  for (const r of series) {
    const metric = RECONCILIATION_METRICS.find((m) => m.promName === r.labels.__name__);
    if (!metric) continue;
    const key = seriesText({ metric, labels: { ...r.labels }, value: 0, timestampMs: 0 });
    const list = out.get(key) ?? [];
    for (const [t, v] of r.values) list.push([Math.round(t * 1000), v]);
    out.set(key, list);
  }
  return out;
}

export interface PublishPlan {
  /** Samples to write. */
  samples: Sample[];
  /** Samples already stored with the same value (re-runs): not written again. */
  unchanged: number;
  /** Samples whose value changed since the last publish (a revised report): written as a revision. */
  revised: number;
}

const sameAmount = (a: number, b: number) => Math.round(a * 1e9) === Math.round(b * 1e9);

/**
 * Makes publishing idempotent on a TSDB that keeps every sample it is sent (VictoriaMetrics
 * without deduplication stores two samples at the same timestamp; Prometheus cannot overwrite):
 * - a sample already stored with the same value is not sent again;
 * - a changed gauge (ratio, reconciled, provisional) is written at the day start + n ms (the
 *   n-th revision), so `last_over_time` returns the newest value;
 * - a changed correction is written as the DIFFERENCE to what is stored for that day, at the
 *   day start + n ms, so `sum_over_time` over the raw samples equals the newest correction.
 */
export function planPublish(samples: readonly Sample[], published: PublishedSamples): PublishPlan {
  const plan: PublishPlan = { samples: [], unchanged: 0, revised: 0 };
  for (const s of samples) {
    const stored = (published.get(seriesText(s)) ?? []).filter(
      ([t]) => t >= s.timestampMs && t < s.timestampMs + MAX_REVISIONS_PER_DAY,
    );
    if (stored.length === 0) {
      plan.samples.push(s);
      continue;
    }
    const lastOffset = Math.max(...stored.map(([t]) => t - s.timestampMs));
    const isCorrection = s.metric.promName === METRICS.costCorrection.promName;
    let value: number;
    if (isCorrection && stored.some(([, v]) => !Number.isFinite(v))) {
      // Written by an older version from out-of-range input: no revision can repair a sum with
      // it (a gauge can: last_over_time takes the newest revision).
      throw new Error(
        `${seriesText(s)} at ${new Date(s.timestampMs).toISOString()}: the stored samples hold a non-finite value; delete that series for the day from the TSDB and re-run`,
      );
    }
    if (isCorrection) {
      const storedNanos = stored.reduce((sum, [, v]) => sum + BigInt(Math.round(v * 1e9)), 0n);
      const wantNanos = BigInt(Math.round(s.value * 1e9));
      if (storedNanos === wantNanos) {
        plan.unchanged++;
        continue;
      }
      value = nanosToUsd(wantNanos - storedNanos);
    } else {
      const newest = stored.reduce((a, b) => (b[0] > a[0] ? b : a));
      if (sameAmount(newest[1], s.value)) {
        plan.unchanged++;
        continue;
      }
      value = s.value;
    }
    if (lastOffset + 1 >= MAX_REVISIONS_PER_DAY) {
      throw new Error(
        `${seriesText(s)} at ${new Date(s.timestampMs).toISOString()}: more than ${MAX_REVISIONS_PER_DAY - 1} revisions`,
      );
    }
    plan.revised++;
    plan.samples.push({ ...s, value, timestampMs: s.timestampMs + lastOffset + 1 });
  }
  return plan;
}
