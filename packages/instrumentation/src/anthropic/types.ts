/** Configuration of {@link AnthropicInstrumentation}. */
import type { GenAIInstrumentationConfig } from '../common/config';

/**
 * What to do about the SDK's own tracing. `@anthropic-ai/sdk` 1.x traces itself (a CLIENT span
 * `anthropic.messages.create`) whenever a tracer provider is registered, unless the client has
 * `openTelemetry: false` or the env has `ANTHROPIC_OPEN_TELEMETRY=false`. Recording both would
 * price every call twice, so exactly one span per call is kept:
 * - `'suppress'` (default): this instrumentation records the call (semconv span name, ai-margin
 *   attributes incl. the 1-hour cache-write split, the GenAI metrics, content policy) and the
 *   SDK's own span is not created for the calls it patches (`messages.create`,
 *   `messages.stream`, and their `beta` twins). The SDK keeps its other spans (tool runner,
 *   sessions, count_tokens).
 * - `'defer'`: when a client traces itself, this instrumentation records nothing for its calls
 *   and the SDK's span stands; the MarginSpanProcessor prices it (it reads the SDK's
 *   `gen_ai.usage.cache_write.input_tokens` and `anthropic.usage.cache_creation.*` attributes)
 *   and attribution still works, since the SDK span starts in the caller's context. Clients
 *   with built-in tracing off (and SDK versions without it) get this instrumentation's span.
 */
export type AnthropicBuiltInTracing = 'suppress' | 'defer';

export interface AnthropicInstrumentationConfig extends GenAIInstrumentationConfig {
  /** See {@link AnthropicBuiltInTracing}. Default `'suppress'`. */
  builtInTracing?: AnthropicBuiltInTracing;
}

/** The `@anthropic-ai/sdk` versions this instrumentation patches. */
export const ANTHROPIC_SUPPORTED_VERSIONS = ['>=0.30.0 <2'];
