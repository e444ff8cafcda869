/** Minimal client for the Prometheus HTTP query API (Prometheus, VictoriaMetrics, Mimir, Thanos). */

export interface Sample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface QueryClient {
  /** Instant query; `time` in Unix seconds (default: now on the server). */
  instant(expr: string, time?: number): Promise<Sample[]>;
}

interface ApiResponse {
  status: 'success' | 'error';
  error?: string;
  errorType?: string;
  data?: {
    resultType: string;
    result: { metric: Record<string, string>; value: [number, string] }[] | [number, string];
  };
}

/**
 * A client for `<baseUrl>/api/v1/query`. `baseUrl` is the server root (http://host:9090) or a
 * prefix in front of /api/v1 (Mimir: http://host/prometheus).
 */
export function httpQueryClient(baseUrl: string, timeoutMs = 30_000): QueryClient {
  const endpoint = `${baseUrl.replace(/\/+$/, '')}/api/v1/query`;
  return {
    async instant(expr, time) {
      const body = new URLSearchParams({ query: expr });
      if (time !== undefined) body.set('time', String(time));
      let res: Response;
      try {
        res = await fetch(endpoint, {
          method: 'POST',
          body,
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (err) {
        throw new Error(`cannot reach ${endpoint}: ${(err as Error).message}`);
      }
      const text = await res.text();
      let json: ApiResponse;
      try {
        json = JSON.parse(text) as ApiResponse;
      } catch {
        throw new Error(`${endpoint} answered ${res.status} with non-JSON: ${text.slice(0, 200)}`);
      }
      if (!res.ok || json.status !== 'success' || !json.data) {
        throw new Error(
          `query failed (${res.status} ${json.errorType ?? ''}): ${json.error ?? text.slice(0, 200)}`,
        );
      }
      const { resultType, result } = json.data;
      if (resultType === 'scalar') {
        const [, v] = result as [number, string];
        return [{ labels: {}, value: Number(v) }];
      }
      if (resultType !== 'vector') throw new Error(`expected an instant vector, got ${resultType}`);
      return (result as { metric: Record<string, string>; value: [number, string] }[]).map((r) => {
        const { __name__: _name, ...labels } = r.metric;
        return { labels, value: Number(r.value[1]) };
      });
    },
  };
}
