/**
 * One call that gives every ai-margin GenAI instrumentation (openai, @anthropic-ai/sdk,
 * AWS Bedrock runtime, @google/genai), for `new NodeSDK({ instrumentations: [...] })` or
 * `registerInstrumentations`. Use either this or `--import @ai-margin/instrumentation/register`
 * (which calls {@link registerAiMarginInstrumentations}), not both: two instances would patch
 * the same methods twice and every call would get two spans.
 */
import type { MeterProvider, TracerProvider } from '@opentelemetry/api';
import { type Instrumentation, registerInstrumentations } from '@opentelemetry/instrumentation';
import { AnthropicInstrumentation, type AnthropicInstrumentationConfig } from './anthropic/index';
import { type BedrockInstrumentationConfig, BedrockRuntimeInstrumentation } from './bedrock/index';
import type { GenAIInstrumentationConfig } from './common/config';
import {
  GoogleGenAIInstrumentation,
  type GoogleGenAIInstrumentationConfig,
} from './google-genai/index';
import { OpenAIInstrumentation, type OpenAIInstrumentationConfig } from './openai/index';

export interface AiMarginInstrumentationsConfig {
  /** Settings every instrumentation starts from (e.g. `captureMessageContent`); per-SDK settings win. */
  common?: GenAIInstrumentationConfig;
  /** `false` leaves the SDK alone. */
  openai?: OpenAIInstrumentationConfig | false;
  anthropic?: AnthropicInstrumentationConfig | false;
  bedrock?: BedrockInstrumentationConfig | false;
  googleGenAI?: GoogleGenAIInstrumentationConfig | false;
}

/** The enabled instrumentations, in the order openai, anthropic, bedrock, google-genai. */
export function getAiMarginInstrumentations(
  config: AiMarginInstrumentationsConfig = {},
): Instrumentation[] {
  const common = config.common ?? {};
  const out: Instrumentation[] = [];
  if (config.openai !== false) out.push(new OpenAIInstrumentation({ ...common, ...config.openai }));
  if (config.anthropic !== false) {
    out.push(new AnthropicInstrumentation({ ...common, ...config.anthropic }));
  }
  if (config.bedrock !== false) {
    out.push(new BedrockRuntimeInstrumentation({ ...common, ...config.bedrock }));
  }
  if (config.googleGenAI !== false) {
    out.push(new GoogleGenAIInstrumentation({ ...common, ...config.googleGenAI }));
  }
  return out;
}

export interface RegisterAiMarginOptions extends AiMarginInstrumentationsConfig {
  /** Default: the global tracer provider (resolved lazily, so it may be registered later). */
  tracerProvider?: TracerProvider;
  /** Default: the global meter provider. */
  meterProvider?: MeterProvider;
}

/**
 * Creates and enables all instrumentations; returns the function that disables them again.
 * Call it before the SDK modules are first `require`d (CommonJS) or, for ESM, together with the
 * loader hook (`node --import @ai-margin/instrumentation/register`).
 */
export function registerAiMarginInstrumentations(
  options: RegisterAiMarginOptions = {},
): () => void {
  const { tracerProvider, meterProvider, ...config } = options;
  return registerInstrumentations({
    instrumentations: getAiMarginInstrumentations(config),
    tracerProvider,
    meterProvider,
  });
}
