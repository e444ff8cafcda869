/** Configuration of {@link OpenAIInstrumentation}. */
import type { GenAIInstrumentationConfig } from '../common/config';

export interface OpenAIInstrumentationConfig extends GenAIInstrumentationConfig {
  /**
   * For streamed chat completions whose caller did not ask for usage, add
   * `stream_options: { include_usage: true }` to the request so the final chunk carries token
   * counts and the call can be priced. Off by default: the extra final chunk has an empty
   * `choices` array, which code that reads `chunk.choices[0]` unguarded would trip on.
   * When off, such streams get `ai_margin.usage.missing=true` (counted as unpriced, never $0).
   */
  addStreamUsage?: boolean;
}

/** The `openai` versions this instrumentation patches. */
export const OPENAI_SUPPORTED_VERSIONS = ['>=4.19.0 <8'];
