/** A small client for the Prometheus HTTP query API (Prometheus and VictoriaMetrics). */

export interface Sample {
  metric: Record<string, string>;
  value: number;
}

export interface RangeSeries {
  metric: Record<string, string>;
  values: Array<[number, number]>;
}

interface ApiResponse {
  status: string;
  error?: string;
  errorType?: string;
  data?: { resultType: string; result: unknown };
}

async function call(
  base: string,
  path: string,
  params: Record<string, string>,
): Promise<ApiResponse['data']> {
  const body = new URLSearchParams(params);
  const r = await fetch(`${base}${path}`, { method: 'POST', body });
  const text = await r.text();
  let json: ApiResponse;
  try {
    json = JSON.parse(text) as ApiResponse;
  } catch {
    throw new Error(`${path} HTTP ${r.status}: ${text.slice(0, 2000)}`);
  }
  if (!r.ok || json.status !== 'success') {
    throw new Error(
      `${path} failed (HTTP ${r.status}, ${json.errorType}): ${json.error}\nquery: ${params.query}`,
    );
  }
  return json.data;
}

/** Instant query; scalars come back as one sample without labels. Throws on any API error. */
export async function instantQuery(
  base: string,
  query: string,
  timeSec?: number,
): Promise<Sample[]> {
  const params: Record<string, string> = { query };
  if (timeSec !== undefined) params.time = String(timeSec);
  const data = await call(base, '/api/v1/query', params);
  if (!data) return [];
  if (data.resultType === 'scalar') {
    const [, v] = data.result as [number, string];
    return [{ metric: {}, value: Number(v) }];
  }
  return (data.result as Array<{ metric: Record<string, string>; value: [number, string] }>).map(
    (s) => ({
      metric: s.metric,
      value: Number(s.value[1]),
    }),
  );
}

/** Range query. Throws on any API error. */
export async function rangeQuery(
  base: string,
  query: string,
  startSec: number,
  endSec: number,
  stepSec: number,
): Promise<RangeSeries[]> {
  const data = await call(base, '/api/v1/query_range', {
    query,
    start: String(startSec),
    end: String(endSec),
    step: String(stepSec),
  });
  if (!data) return [];
  return (
    data.result as Array<{ metric: Record<string, string>; values: Array<[number, string]> }>
  ).map((s) => ({
    metric: s.metric,
    values: s.values.map(([t, v]) => [t, Number(v)] as [number, number]),
  }));
}

/** `{a="1",b="2"}` -> `1|2` over the given label names, for keyed comparisons. */
export function keyOf(metric: Record<string, string>, labels: readonly string[]): string {
  return labels.map((l) => metric[l] ?? '').join('|');
}

/** Samples as a map keyed by `keyOf(labels)`. Throws on duplicate keys (an unexpected split). */
export function byKey(samples: Sample[], labels: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of samples) {
    const k = keyOf(s.metric, labels);
    if (out.has(k)) throw new Error(`duplicate series for ${k}: ${JSON.stringify(samples)}`);
    out.set(k, s.value);
  }
  return out;
}
