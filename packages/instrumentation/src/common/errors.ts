/**
 * Classifies errors thrown by LLM SDK calls for `error.type` and the span status, the same way
 * for every SDK: HTTP status errors -> the status code as a string (`'429'`, `'500'`), aborts ->
 * `'aborted'`, timeouts -> `'timeout'`, connection failures (also a connection dropped
 * mid-stream) -> `'connection_error'`, anything else -> the error's class name (`_OTHER` if none).
 */

export type ErrorKind = 'http' | 'aborted' | 'timeout' | 'connection' | 'other';

export interface ClassifiedError {
  kind: ErrorKind;
  /** Value for `error.type`. */
  type: string;
  /** HTTP status for `kind === 'http'`. */
  status?: number;
  message: string;
}

function field(err: unknown, key: string): unknown {
  return typeof err === 'object' && err !== null
    ? (err as Record<string, unknown>)[key]
    : undefined;
}

function nameOf(err: unknown): string {
  const n = field(err, 'name');
  if (typeof n === 'string' && n !== 'Error') return n;
  const ctor = typeof err === 'object' && err !== null ? err.constructor?.name : undefined;
  return ctor && ctor !== 'Object' ? ctor : typeof n === 'string' ? n : '_OTHER';
}

export function classifyError(err: unknown): ClassifiedError {
  const message = String(field(err, 'message') ?? err);
  const name = nameOf(err);
  // Statuses: openai/anthropic APIError `.status`, AWS SDK `$metadata.httpStatusCode`,
  // @google/genai ApiError `.status`.
  const metadata = field(err, '$metadata');
  const status = field(err, 'status') ?? field(metadata, 'httpStatusCode');
  if (typeof status === 'number' && status >= 400) {
    return { kind: 'http', type: String(status), status, message };
  }
  const code = field(err, 'code');
  if (/abort/i.test(name) || code === 'ABORT_ERR') {
    return { kind: 'aborted', type: 'aborted', message };
  }
  if (/timeout/i.test(name) || code === 'ETIMEDOUT') {
    return { kind: 'timeout', type: 'timeout', message };
  }
  if (
    /connection|network|fetch|socket/i.test(name) ||
    /terminated|socket|ECONNRESET|ECONNREFUSED|network|other side closed|premature close/i.test(
      message,
    ) ||
    // ECONNRESET & co, node-fetch / stream `ERR_STREAM_PREMATURE_CLOSE`, undici `UND_ERR_SOCKET`.
    (typeof code === 'string' && /^(E[A-Z]+|ERR_STREAM_\w+|UND_ERR_\w+)$/.test(code))
  ) {
    return { kind: 'connection', type: 'connection_error', message };
  }
  return { kind: 'other', type: name, message };
}
