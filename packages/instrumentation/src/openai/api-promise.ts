/**
 * Watches an openai `APIPromise` without parsing its body a second time.
 *
 * SDK helpers derive a second APIPromise from the one `create` returns with `_thenUnwrap`
 * (`chat.completions.parse()`, `responses.parse()` in every version; in openai 7 also
 * `responses.stream()`), and the derived promise parses the HTTP response again. Calling `.then`
 * on the first promise therefore read the body twice (the helper failed with "Body has already
 * been read") or, for a stream, gave us a `Stream` nobody iterated while the helper iterated
 * another one. So the outcome is taken where the SDK parses, on the instance:
 * - `parseResponse` (every version): the promise's own parse — `then`, `catch`, `finally`,
 *   `withResponse()` — and, up to openai 6, its derived promises' parses too;
 * - `_thenUnwrap`: openai 7 gives each APIPromise its own `_thenUnwrap` that calls the parse
 *   function it closes over, not `parseResponse`; its `transform` receives the parsed value, and
 *   the derived promise is watched for parse errors;
 * - `responsePromise`: request failures (HTTP errors, connection errors, aborts), before parsing.
 * A value seen on two paths (same object) is reported once.
 *
 * A response that nobody asks the SDK to parse within one macrotask of its arrival (the caller
 * awaits the promise late, or only reads `.asResponse()`) is handed to `onUnparsed`.
 */
import type { DiagLogger } from '@opentelemetry/api';
import { guard } from '../common/span';

type AnyFn = (this: unknown, ...args: unknown[]) => unknown;

interface ApiPromiseLike {
  parseResponse: AnyFn;
  responsePromise: PromiseLike<unknown>;
  _thenUnwrap?: AnyFn;
  asResponse?: AnyFn;
}

export interface ApiPromiseObserver {
  /** The parsed response (each distinct value once). */
  onValue(value: unknown): void;
  onError(err: unknown): void;
  /**
   * The response arrived and was not parsed by the next macrotask. `rawBody`: the caller asked
   * for the raw `Response` (`.asResponse()`) or its body is already taken.
   */
  onUnparsed(rawBody: boolean): void;
}

/** What one call's promise and its derived promises share. */
interface Watch {
  observer: ApiPromiseObserver;
  diag: DiagLogger;
  /** Some parse of the response has started. */
  parsed: boolean;
  /** `.asResponse()` was called. */
  raw: boolean;
  delivered: WeakSet<object> | undefined;
}

function isApiPromise(v: unknown): v is ApiPromiseLike {
  const p = v as Partial<ApiPromiseLike> | null;
  return (
    typeof p?.parseResponse === 'function' &&
    typeof (p.responsePromise as PromiseLike<unknown> | undefined)?.then === 'function'
  );
}

function deliver(w: Watch, value: unknown): void {
  if (typeof value === 'object' && value !== null) {
    if (w.delivered?.has(value)) return;
    w.delivered ??= new WeakSet();
    w.delivered.add(value);
  }
  guard(w.diag, 'recording openai response', () => w.observer.onValue(value));
}

function fail(w: Watch, err: unknown): void {
  guard(w.diag, 'recording openai error', () => w.observer.onError(err));
}

/** Wraps the parse entry points of one APIPromise; `values`: report what its own parse returns. */
function watchPromise(p: ApiPromiseLike, w: Watch, values: boolean): void {
  const parseResponse = p.parseResponse;
  const onValue = values ? (v: unknown) => deliver(w, v) : undefined;
  const onError = (e: unknown) => fail(w, e);
  p.parseResponse = function observedParseResponse(this: unknown, ...args: unknown[]) {
    w.parsed = true;
    let out: unknown;
    try {
      out = parseResponse.apply(this, args);
    } catch (err) {
      onError(err);
      throw err;
    }
    Promise.resolve(out).then(onValue, onError);
    return out;
  };
  const thenUnwrap = p._thenUnwrap;
  if (typeof thenUnwrap === 'function') {
    p._thenUnwrap = function observedThenUnwrap(this: unknown, ...args: unknown[]) {
      const transform = args[0];
      if (typeof transform === 'function') {
        args[0] = function observedTransform(this: unknown, ...targs: unknown[]) {
          deliver(w, targs[0]);
          return (transform as AnyFn).apply(this, targs);
        };
      }
      const derived = thenUnwrap.apply(this, args);
      // Values come from the transform above; the derived promise only adds its parse errors.
      if (isApiPromise(derived))
        guard(w.diag, 'watching derived APIPromise', () => watchPromise(derived, w, false));
      return derived;
    };
  }
  const asResponse = p.asResponse;
  if (typeof asResponse === 'function') {
    p.asResponse = function observedAsResponse(this: unknown, ...args: unknown[]) {
      w.raw = true;
      return asResponse.apply(this, args);
    };
  }
}

const nextMacrotask: (fn: () => void) => void =
  typeof setImmediate === 'function'
    ? (fn) => {
        setImmediate(fn);
      }
    : (fn) => {
        setTimeout(fn, 0);
      };

/** True when the `Response` in `props` (APIResponseProps) has had its body read or locked. */
function bodyTaken(props: unknown): boolean {
  const response = (props as { response?: { bodyUsed?: unknown; body?: { locked?: unknown } } })
    ?.response;
  return response?.bodyUsed === true || response?.body?.locked === true;
}

/**
 * Observes `result` when it is an APIPromise and returns true; returns false (and changes
 * nothing) for anything else. Handlers are guarded: a telemetry bug never reaches the caller.
 */
export function observeApiPromise(
  result: unknown,
  observer: ApiPromiseObserver,
  diag: DiagLogger,
): boolean {
  if (!isApiPromise(result)) return false;
  const w: Watch = { observer, diag, parsed: false, raw: false, delivered: undefined };
  try {
    watchPromise(result, w, true);
  } catch (err) {
    diag.error('could not watch the openai APIPromise', err);
    return false;
  }
  result.responsePromise.then(
    (props) => {
      if (w.parsed) return;
      // Helpers parse in a microtask after the response arrives: give them the turn.
      nextMacrotask(() => {
        if (w.parsed) return;
        guard(diag, 'unparsed openai response', () =>
          observer.onUnparsed(w.raw || bodyTaken(props)),
        );
      });
    },
    (err: unknown) => fail(w, err),
  );
  return true;
}
