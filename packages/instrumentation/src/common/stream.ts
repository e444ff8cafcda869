/**
 * A generic async-iterator wrapper that ends a {@link GenAISpan} exactly once, however the
 * consumer stops: drained to the end (`end()`), broken off early with `break` / `return()`
 * (`end()` — whatever usage was seen is kept, else usage is marked missing), or failed
 * mid-stream (`fail(err)`, usage marked missing when none was seen). Each item is passed to
 * `onItem` first (guarded: a telemetry bug never breaks the stream). {@link wrapSdkStream}
 * applies it to a Stainless SDK `Stream` in place, `tee()` included.
 */
import type { DiagLogger } from '@opentelemetry/api';
import { type GenAISpan, guard } from './span';

export interface StreamObserver<T> {
  /** Called for every item before it is handed to the consumer. */
  onItem(item: T): void;
  /** Called once before the span ends, however the stream stopped (e.g. to set finish reasons). */
  onFinish?(outcome: 'completed' | 'cancelled' | 'error'): void;
  /**
   * True when the request was aborted. The Stainless SDKs (openai, Anthropic) end a stream
   * quietly when its controller is aborted (`stream.controller.abort()`, `MessageStream.abort()`,
   * an aborted `signal`), so a quiet end while aborted is recorded as an abort, not a success.
   */
  isAborted?(): boolean;
}

/** The AbortController-backed `isAborted` of a Stainless `Stream` (`stream.controller`). */
export function streamAbortedCheck(stream: unknown): (() => boolean) | undefined {
  const controller = (stream as { controller?: { signal?: { aborted?: unknown } } } | null)
    ?.controller;
  return controller?.signal ? () => controller.signal?.aborted === true : undefined;
}

function abortError(): Error {
  const err = new Error('stream aborted by the caller');
  err.name = 'AbortError';
  return err;
}

export function wrapStreamIterator<T>(
  iterator: AsyncIterator<T>,
  genAISpan: GenAISpan,
  observer: StreamObserver<T>,
  diag: DiagLogger,
): AsyncIterator<T> {
  const finish = (how: 'completed' | 'cancelled' | 'error', cause?: unknown) => {
    if (genAISpan.isEnded) return;
    const aborted = how !== 'error' && guard(diag, 'abort check', () => observer.isAborted?.());
    const outcome = aborted ? 'error' : how;
    const err = aborted ? abortError() : cause;
    if (observer.onFinish) guard(diag, 'stream finish hook', () => observer.onFinish?.(outcome));
    if (outcome === 'error') genAISpan.fail(err, { usageExpected: true });
    else genAISpan.end({ usageExpected: true });
  };
  // Hot path (once per chunk): plain promise chaining with handlers allocated once per stream,
  // no async function and no per-chunk closure.
  const onResult = (result: IteratorResult<T>): IteratorResult<T> => {
    if (result.done) {
      finish('completed');
    } else {
      try {
        observer.onItem(result.value);
      } catch (err) {
        diag.error('stream item hook failed', err);
      }
    }
    return result;
  };
  const onError = (err: unknown): never => {
    finish('error', err);
    throw err;
  };
  const wrapped: AsyncIterator<T> = {
    next(...args: [] | [undefined]) {
      let pending: Promise<IteratorResult<T>>;
      try {
        pending = iterator.next(...args);
      } catch (err) {
        return Promise.resolve().then(() => onError(err));
      }
      return pending.then(onResult, onError);
    },
    async return(value?: unknown) {
      finish('cancelled');
      if (iterator.return) return iterator.return(value);
      return { done: true, value: value as T };
    },
    async throw(err?: unknown) {
      finish('error', err);
      if (iterator.throw) return iterator.throw(err);
      throw err;
    },
  };
  return wrapped;
}

type AnyFn = (...args: unknown[]) => unknown;

/**
 * Instruments a Stainless SDK `Stream` (openai, @anthropic-ai/sdk) in place, keeping its type:
 * wraps its private `iterator` factory (behind `[Symbol.asyncIterator]`, `tee()` and
 * `toReadableStream()`; falls back to `[Symbol.asyncIterator]`) with {@link wrapStreamIterator},
 * and its `tee()` so that the span also ends when EVERY branch is broken off (the SDK's tee
 * branches never close the source on their own). Returns false when `stream` has neither.
 */
export function wrapSdkStream(
  stream: unknown,
  genAISpan: GenAISpan,
  observer: StreamObserver<unknown>,
  diag: DiagLogger,
): boolean {
  const target = stream as { iterator?: unknown; tee?: unknown; [Symbol.asyncIterator]?: unknown };
  if (!target || typeof target !== 'object') return false;
  const key: 'iterator' | typeof Symbol.asyncIterator =
    typeof target.iterator === 'function' ? 'iterator' : Symbol.asyncIterator;
  const original = target[key];
  if (typeof original !== 'function') return false;
  let latest: AsyncIterator<unknown> | undefined;
  target[key] = function wrappedIterator(this: unknown, ...args: unknown[]) {
    latest = wrapStreamIterator(
      (original as AnyFn).apply(this, args) as AsyncIterator<unknown>,
      genAISpan,
      observer,
      diag,
    );
    return latest;
  };
  const originalTee = target.tee;
  if (typeof originalTee === 'function') {
    target.tee = function wrappedTee(this: unknown, ...args: unknown[]) {
      const branches = (originalTee as AnyFn).apply(this, args);
      guard(diag, 'wrapping tee branches', () =>
        trackBranches(branches, () => {
          // Closing the source iterator ends the span (as broken off) and the HTTP response.
          Promise.resolve()
            .then(() => latest?.return?.())
            .catch((err: unknown) => diag.debug('closing teed stream failed', err));
        }),
      );
      return branches;
    };
  }
  return true;
}

/** Calls `allClosed` once every branch's iterator has been returned (broken off) or drained. */
function trackBranches(branches: unknown, allClosed: () => void): void {
  if (!Array.isArray(branches)) return;
  let open = branches.length;
  for (const branch of branches) {
    const b = branch as { iterator?: unknown };
    const factory = b.iterator;
    if (typeof factory !== 'function') return; // unknown shape: leave the rest alone
    b.iterator = function trackedBranch(this: unknown, ...args: unknown[]) {
      const it = (factory as AnyFn).apply(this, args) as AsyncIterator<unknown>;
      let closed = false;
      const close = () => {
        if (closed) return;
        closed = true;
        open -= 1;
        if (open === 0) allClosed();
      };
      const tracked: AsyncIterator<unknown> = {
        async next(...n: [] | [undefined]) {
          const r = await it.next(...n);
          if (r.done) close();
          return r;
        },
        async return(value?: unknown) {
          close();
          return it.return ? it.return(value) : { done: true, value };
        },
      };
      return tracked;
    };
  }
}
