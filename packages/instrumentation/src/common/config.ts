/**
 * Configuration shared by every ai-margin GenAI instrumentation, and the content-capture switch.
 * Content (prompts, completions) is never captured unless the user opts in, through the config
 * field or `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true` (the env var wins when set).
 */
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';

export interface GenAIInstrumentationConfig extends InstrumentationConfig {
  /**
   * Record prompts and completions as `gen_ai.input.messages` / `gen_ai.output.messages` span
   * attributes (JSON strings). Off by default: content often holds personal data.
   * `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true|false` overrides this setting.
   */
  captureMessageContent?: boolean;
  /** Longest captured content attribute, in characters; longer values are cut. Default 16384. */
  maxContentLength?: number;
}

export const CAPTURE_CONTENT_ENV = 'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT';
export const DEFAULT_MAX_CONTENT_LENGTH = 16_384;

/** `true`/`false` from an env var (case-insensitive), `undefined` when unset or anything else. */
export function envBool(name: string): boolean | undefined {
  const raw = process.env[name]?.trim().toLowerCase();
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  return undefined;
}

/** Whether content capture is on for `config`, env var first. */
export function shouldCaptureContent(config: GenAIInstrumentationConfig): boolean {
  return envBool(CAPTURE_CONTENT_ENV) ?? config.captureMessageContent === true;
}

// Read once: like the other OTEL_SEMCONV_STABILITY_OPT_IN switches, it is a process setting.
const LATEST_GENAI_SEMCONV = (process.env.OTEL_SEMCONV_STABILITY_OPT_IN ?? '')
  .split(',')
  .some((v) => v.trim() === 'gen_ai_latest_experimental');

/**
 * `true` when `OTEL_SEMCONV_STABILITY_OPT_IN` (read at load) asks for the newest GenAI
 * conventions (`gen_ai_latest_experimental`): then the renamed attributes are written too.
 */
export function latestGenAISemconv(): boolean {
  return LATEST_GENAI_SEMCONV;
}

/** JSON text of `value`, cut to `max` characters; `undefined` if it cannot be serialised. */
export function contentAttribute(
  value: unknown,
  max = DEFAULT_MAX_CONTENT_LENGTH,
): string | undefined {
  try {
    const json = typeof value === 'string' ? value : JSON.stringify(value);
    if (json === undefined) return undefined;
    return json.length > max ? json.slice(0, max) : json;
  } catch {
    return undefined;
  }
}
