/**
 * Error shapes of `@google/genai` that the shared classifier cannot read directly, turned into
 * what it can (without touching the error the caller receives):
 * - the SDK uses the global `fetch` and passes its failures through: Node's fetch (undici)
 *   rejects with `TypeError('fetch failed')` and keeps the real reason (ECONNREFUSED, a reset
 *   socket, a DNS failure) in `cause` — the span is failed with that cause, so `error.type` says
 *   `connection_error` and the exception event names the actual failure;
 * - 1.x releases before `ApiError` threw `ClientError` / `ServerError` with the HTTP status only
 *   in the message (`got status: 429 Too Many Requests. {...}`) — a view of the error with a
 *   `status` field is used, so `error.type` is the status code as for every other SDK;
 * - 1.x releases also re-threw fetch failures as `Error('exception TypeError: fetch failed
 *   sending request')` (aborts as `exception AbortError: ...`) — the view is named `AbortError`
 *   or `FetchError`, so `error.type` says `aborted` or `connection_error`.
 */
const STATUS_IN_MESSAGE = /^got status: (\d{3})\b/;
const WRAPPED_FETCH_ERROR = /^exception (\w*Error)\b.* sending request$/s;

/** A view inheriting everything (message, stack, fields) from `err`, with `extra` on top. */
function viewOf(err: Error, extra: Record<string, unknown>): Error {
  return Object.assign(Object.create(err) as Error, extra);
}

export function errorForSpan(err: unknown): unknown {
  if (err instanceof TypeError && err.message === 'fetch failed' && err.cause instanceof Error) {
    return err.cause;
  }
  if (!(err instanceof Error) || (err as { status?: unknown }).status !== undefined) return err;
  const status = STATUS_IN_MESSAGE.exec(err.message);
  if (status) return viewOf(err, { status: Number(status[1]) });
  const wrapped = WRAPPED_FETCH_ERROR.exec(err.message);
  if (wrapped)
    return viewOf(err, { name: wrapped[1] === 'AbortError' ? 'AbortError' : 'FetchError' });
  return err;
}
