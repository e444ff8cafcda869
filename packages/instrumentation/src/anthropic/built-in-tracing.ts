/**
 * Coexistence with the SDK's own tracing (`@anthropic-ai/sdk` 1.x, see
 * {@link AnthropicBuiltInTracing}): in `suppress` mode the client's built-in tracer is switched
 * off around our patched calls.
 */
import { isRecord } from '../common/module';
import type { AnthropicBuiltInTracing } from './types';

/** The part of an SDK client this instrumentation reads (`_tracer` exists in 1.x only). */
export type ClientLike = { baseURL?: unknown; _tracer?: unknown };

/** The client behind a `Messages` resource (`this` of `create` / `stream`). */
export function clientOf(resource: unknown): ClientLike | undefined {
  return isRecord(resource) ? (resource._client as ClientLike | undefined) : undefined;
}

/**
 * Runs `fn` with the client's built-in tracer switched off (mode `suppress`). The SDK reads
 * `client._tracer` only synchronously inside `create()`/`stream()` (to start its span and pick
 * the traced request path); after that its span travels in the request options, so restoring
 * the field right after the synchronous call is enough and concurrent calls are unaffected.
 */
export function withoutBuiltInTracing<T>(
  client: ClientLike | undefined,
  mode: AnthropicBuiltInTracing,
  fn: () => T,
): T {
  if (!client?._tracer || mode !== 'suppress') return fn();
  const saved = client._tracer;
  client._tracer = undefined;
  try {
    return fn();
  } finally {
    client._tracer = saved;
  }
}
