/**
 * Instruments an openai `Stream` with the shared {@link wrapSdkStream}, plus one rule: a stream
 * the consumer closes — `break` / `return()`, a cancelled `toReadableStream()`, every `tee()`
 * branch closed — ends as broken off (status unset), even if its AbortController is aborted by
 * the time the iterator's `return()` runs. openai 7 aborts the request BEFORE it returns the
 * source iterator when it cancels a `tee()` source or a readable (`Stream#cancelIterator`);
 * openai 4-6 abort after, inside the iterator's cleanup. An abort while the consumer is still
 * reading (`stream.controller.abort()`, the request's `signal`) ends the stream quietly on the
 * next read and is still recorded as `aborted`.
 */
import type { DiagLogger } from '@opentelemetry/api';
import type { GenAISpan } from '../common/span';
import { guard } from '../common/span';
import { type StreamObserver, streamAbortedCheck, wrapSdkStream } from '../common/stream';

type AnyFn = (this: unknown, ...args: unknown[]) => unknown;
type IteratorFactoryHolder = { iterator?: unknown; [Symbol.asyncIterator]?: unknown };

/** Calls `onReturn` whenever an iterator made by the stream's (already wrapped) factory is returned. */
function onConsumerReturn(stream: IteratorFactoryHolder, onReturn: () => void): void {
  // The same key wrapSdkStream wrapped.
  const key = typeof stream.iterator === 'function' ? 'iterator' : Symbol.asyncIterator;
  const factory = stream[key];
  if (typeof factory !== 'function') return;
  stream[key] = function returnTrackedIterator(this: unknown, ...args: unknown[]) {
    const it = (factory as AnyFn).apply(this, args) as { return?: unknown } | null;
    const original = it?.return;
    if (it && typeof original === 'function') {
      it.return = function trackedReturn(this: unknown, ...a: unknown[]) {
        onReturn();
        return (original as AnyFn).apply(this, a);
      };
    }
    return it;
  };
}

/** {@link wrapSdkStream} for an openai `Stream`; false when `stream` is not one. */
export function wrapOpenAIStream(
  stream: unknown,
  call: GenAISpan,
  observer: StreamObserver<unknown>,
  diag: DiagLogger,
): boolean {
  const aborted = streamAbortedCheck(stream);
  let closedByConsumer = false;
  const wrapped = wrapSdkStream(
    stream,
    call,
    { ...observer, isAborted: aborted && (() => !closedByConsumer && aborted()) },
    diag,
  );
  if (wrapped) {
    guard(diag, 'tracking openai stream close', () =>
      onConsumerReturn(stream as IteratorFactoryHolder, () => {
        closedByConsumer = true;
      }),
    );
  }
  return wrapped;
}
