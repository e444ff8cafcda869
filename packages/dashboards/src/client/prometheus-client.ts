/**
 * The one client for the Prometheus HTTP query API (Prometheus, VictoriaMetrics, Mimir, Thanos):
 * `ai-margin report`, reconciliation and the end-to-end tests all query through it, so they agree
 * on timeouts, headers and what an error says (always the URL and the query).
 */
import {
  type ApiData,
  apiAnswer,
  type InstantSample,
  instantSamples,
  matrixSeries,
  type RangeSeries,
} from './api-response';
import { fetchFailureReason, PrometheusQueryError, type QueryFailure } from './query-error';

export interface PrometheusClientOptions {
  /**
   * The server root (`http://prometheus:9090`, `http://vm:8428`) or a prefix in front of
   * `/api/v1` (Mimir `http://mimir/prometheus`, vmselect `http://vmselect:8481/select/0/prometheus`).
   */
  readonly url: string;
  /** Sent with every request, e.g. `{ authorization: 'Bearer …' }`. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Per request; default {@link DEFAULT_QUERY_TIMEOUT_MS}. */
  readonly timeoutMs?: number;
  /**
   * Ask VictoriaMetrics not to answer from its rollup cache (`nocache=1`; Prometheus ignores
   * it): needed right after importing samples with old timestamps.
   */
  readonly noCache?: boolean;
  /** A fetch to use instead of the global one (tests, proxies). */
  readonly fetch?: typeof fetch;
}

export interface PrometheusClient {
  /** The base URL, as given. */
  readonly url: string;
  /** Instant query at `time` (Unix seconds; default: now on the server). A scalar is one sample. */
  instant(query: string, time?: number): Promise<InstantSample[]>;
  /**
   * Instant query of a range selector (`metric[1d]`) at `time`: the raw stored samples per
   * series, without any evaluation step.
   */
  rawSamples(selector: string, time: number): Promise<RangeSeries[]>;
  /** Range query from `start` to `end` (Unix seconds) every `step` seconds. */
  range(query: string, start: number, end: number, step: number): Promise<RangeSeries[]>;
}

export const DEFAULT_QUERY_TIMEOUT_MS = 30_000;

const snippet = (text: string) => text.slice(0, 300);

export function prometheusClient(options: PrometheusClientOptions): PrometheusClient {
  const base = options.url.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS;
  const doFetch = options.fetch ?? fetch;

  /** POSTs the form (long queries do not fit in a URL) and decodes the answer's `data`. */
  async function call<T>(
    path: string,
    params: Record<string, string>,
    expected: string,
    decode: (data: ApiData) => T | undefined,
  ): Promise<T> {
    const endpoint = `${base}${path}`;
    const fail = (failure: QueryFailure) =>
      new PrometheusQueryError(endpoint, params.query ?? '', failure);
    const body = new URLSearchParams(params);
    if (options.noCache) body.set('nocache', '1');
    let status: number;
    let text: string;
    try {
      const res = await doFetch(endpoint, {
        method: 'POST',
        body,
        ...(options.headers ? { headers: { ...options.headers } } : {}),
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = res.status;
      text = await res.text();
    } catch (e) {
      const timedOut = (e as Error | undefined)?.name === 'TimeoutError';
      throw timedOut
        ? fail({ kind: 'timeout', detail: `no answer within ${timeoutMs} ms` })
        : fail({ kind: 'unreachable', detail: fetchFailureReason(e) });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const answer = apiAnswer(json);
    if (status < 200 || status > 299) {
      const why = json !== undefined && !answer.ok ? answer.error : snippet(text);
      throw fail({ kind: 'http', status, detail: `HTTP ${status}: ${why}` });
    }
    if (json === undefined) {
      throw fail({ kind: 'response', status, detail: `the answer is not JSON: ${snippet(text)}` });
    }
    if (!answer.ok) throw fail({ kind: 'response', status, detail: answer.error });
    const decoded = decode(answer.data);
    if (decoded === undefined) {
      const { resultType, result } = answer.data;
      const got = `${resultType}: ${snippet(JSON.stringify(result) ?? '')}`;
      throw fail({ kind: 'response', status, detail: `expected ${expected}, got ${got}` });
    }
    return decoded;
  }

  return {
    url: options.url,
    instant(query, time) {
      const params: Record<string, string> = { query };
      if (time !== undefined) params.time = String(time);
      return call('/api/v1/query', params, 'an instant vector or scalar', instantSamples);
    },
    rawSamples(selector, time) {
      const params = { query: selector, time: String(time) };
      return call('/api/v1/query', params, 'a range vector', matrixSeries);
    },
    range(query, start, end, step) {
      const params = { query, start: String(start), end: String(end), step: String(step) };
      return call('/api/v1/query_range', params, 'a range vector', matrixSeries);
    },
  };
}
