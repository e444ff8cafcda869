/**
 * Why a query to a Prometheus-compatible API failed. Callers that must tell "fix your input"
 * from "try again later" (reconciliation's exit codes) branch on `kind` and `status`.
 */
export type QueryFailureKind =
  /** The server could not be reached (connection refused, DNS, TLS, …). */
  | 'unreachable'
  /** No answer within the client's timeout. */
  | 'timeout'
  /** An HTTP error status (4xx: the URL or query is wrong; 5xx: the server failed). */
  | 'http'
  /** HTTP 2xx, but not a successful API answer of the expected shape. */
  | 'response';

export interface QueryFailure {
  readonly kind: QueryFailureKind;
  /** HTTP status, when the server answered. */
  readonly status?: number;
  /** What went wrong, without URL or query (e.g. `HTTP 400: bad_data: parse error …`). */
  readonly detail: string;
}

export class PrometheusQueryError extends Error {
  readonly kind: QueryFailureKind;
  readonly status: number | undefined;
  readonly detail: string;

  constructor(
    /** The endpoint, e.g. `http://vm:8428/api/v1/query`. */
    readonly url: string,
    readonly query: string,
    failure: QueryFailure,
  ) {
    const head =
      failure.kind === 'unreachable'
        ? `cannot reach ${url}: ${failure.detail}`
        : `${url}: ${failure.detail}`;
    // One line: CLIs print it after their own prefix.
    super(`${head}; query: ${query}`);
    this.name = 'PrometheusQueryError';
    this.kind = failure.kind;
    this.status = failure.status;
    this.detail = failure.detail;
  }
}

/** Why a fetch() failed: it says only "fetch failed"; the reason (ECONNREFUSED, …) is its cause. */
export function fetchFailureReason(e: unknown): string {
  const err = e as Error | undefined;
  const cause = err?.cause;
  return cause instanceof Error ? cause.message : String(err?.message ?? e);
}
