/**
 * Small helpers shared by the provider modules: error-type names per HTTP status and a
 * per-process id counter for deterministic ids.
 */

let counter = 0;

/** `prefix` + a process-wide increasing number, e.g. `chatcmpl-sim-7`. */
export function nextId(prefix: string): string {
  counter += 1;
  return `${prefix}${counter}`;
}

/** The error type names OpenAI and Anthropic use for common HTTP statuses. */
export function errorTypeFor(status: number): string {
  if (status === 400) return 'invalid_request_error';
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status === 529) return 'overloaded_error';
  return status >= 500 ? 'api_error' : 'invalid_request_error';
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
