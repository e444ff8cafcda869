/**
 * Decoding of the Prometheus HTTP API's JSON answers (`{status, data: {resultType, result}}`).
 * Each decoder returns undefined on a shape it does not expect; the client turns that into an
 * error naming the URL and query.
 */

export interface InstantSample {
  /** Series labels as the server returns them (`__name__` included when the series has one). */
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface RangeSeries {
  readonly labels: Readonly<Record<string, string>>;
  /** `[Unix seconds, value]` pairs in time order. */
  readonly values: readonly (readonly [number, number])[];
}

export interface ApiData {
  readonly resultType: string;
  readonly result: unknown;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function labelsOf(v: unknown): Record<string, string> | undefined {
  if (!isRecord(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, value] of Object.entries(v)) {
    if (typeof value !== 'string') return undefined;
    out[k] = value;
  }
  return out;
}

/** `[time, "value"]` -> `[time, value]`; the value is text so NaN and ±Inf survive JSON. */
function pointOf(v: unknown): [number, number] | undefined {
  if (!Array.isArray(v) || typeof v[0] !== 'number' || typeof v[1] !== 'string') return undefined;
  return [v[0], Number(v[1])];
}

export type ApiAnswer = { ok: true; data: ApiData } | { ok: false; error: string };

/** `data` of a successful answer, or what the answer says (or lacks) instead. */
export function apiAnswer(json: unknown): ApiAnswer {
  if (!isRecord(json)) return { ok: false, error: 'the answer is not a JSON object' };
  if (json.status !== 'success') {
    const type = typeof json.errorType === 'string' ? `${json.errorType}: ` : '';
    const error = typeof json.error === 'string' ? json.error : 'status is not "success"';
    return { ok: false, error: `${type}${error}` };
  }
  const data = json.data;
  if (!isRecord(data) || typeof data.resultType !== 'string') {
    return { ok: false, error: 'the answer has no data.resultType' };
  }
  return { ok: true, data: { resultType: data.resultType, result: data.result } };
}

/** An instant vector, or a scalar as one sample without labels. */
export function instantSamples(data: ApiData): InstantSample[] | undefined {
  if (data.resultType === 'scalar') {
    const point = pointOf(data.result);
    return point && [{ labels: {}, value: point[1] }];
  }
  if (data.resultType !== 'vector' || !Array.isArray(data.result)) return undefined;
  const out: InstantSample[] = [];
  for (const item of data.result) {
    const labels = isRecord(item) ? labelsOf(item.metric) : undefined;
    const point = isRecord(item) ? pointOf(item.value) : undefined;
    if (!labels || !point) return undefined;
    out.push({ labels, value: point[1] });
  }
  return out;
}

/** A matrix: a range query's answer, or an instant query of a range selector (raw samples). */
export function matrixSeries(data: ApiData): RangeSeries[] | undefined {
  if (data.resultType !== 'matrix' || !Array.isArray(data.result)) return undefined;
  const out: RangeSeries[] = [];
  for (const item of data.result) {
    const labels = isRecord(item) ? labelsOf(item.metric) : undefined;
    const raw: unknown[] | undefined =
      isRecord(item) && Array.isArray(item.values) ? item.values : undefined;
    if (!labels || !raw) return undefined;
    const values: [number, number][] = [];
    for (const v of raw) {
      const point = pointOf(v);
      if (!point) return undefined;
      values.push(point);
    }
    out.push({ labels, values });
  }
  return out;
}
