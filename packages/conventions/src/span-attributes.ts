/**
 * Span attribute keys ai-margin writes and reads. GenAI semantic conventions are still
 * experimental (and their constants in @opentelemetry/semantic-conventions are deprecated), so
 * they are kept here, as contrib instrumentations do. Written: the v1.41 spellings. Read: every
 * spelling listed in the processor's span reader.
 */

// --- GenAI semantic conventions (v1.41) ---------------------------------------------------------
export const ATTR_GEN_AI_OPERATION_NAME = 'gen_ai.operation.name';
export const ATTR_GEN_AI_PROVIDER_NAME = 'gen_ai.provider.name';
/** Deprecated predecessor of `gen_ai.provider.name` (semconv <= 1.36); read, never written. */
export const ATTR_GEN_AI_SYSTEM = 'gen_ai.system';
export const ATTR_GEN_AI_REQUEST_MODEL = 'gen_ai.request.model';
export const ATTR_GEN_AI_REQUEST_MAX_TOKENS = 'gen_ai.request.max_tokens';
export const ATTR_GEN_AI_REQUEST_TEMPERATURE = 'gen_ai.request.temperature';
export const ATTR_GEN_AI_REQUEST_TOP_P = 'gen_ai.request.top_p';
export const ATTR_GEN_AI_REQUEST_STREAM = 'gen_ai.request.stream';
export const ATTR_GEN_AI_REQUEST_ENCODING_FORMATS = 'gen_ai.request.encoding_formats';
export const ATTR_GEN_AI_RESPONSE_MODEL = 'gen_ai.response.model';
export const ATTR_GEN_AI_RESPONSE_ID = 'gen_ai.response.id';
export const ATTR_GEN_AI_RESPONSE_FINISH_REASONS = 'gen_ai.response.finish_reasons';
export const ATTR_GEN_AI_OPENAI_REQUEST_SERVICE_TIER = 'openai.request.service_tier';
export const ATTR_GEN_AI_OPENAI_RESPONSE_SERVICE_TIER = 'openai.response.service_tier';
export const ATTR_GEN_AI_USAGE_INPUT_TOKENS = 'gen_ai.usage.input_tokens';
export const ATTR_GEN_AI_USAGE_OUTPUT_TOKENS = 'gen_ai.usage.output_tokens';
export const ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS = 'gen_ai.usage.cache_read.input_tokens';
export const ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS =
  'gen_ai.usage.cache_creation.input_tokens';
/** Name of the cache-write count in the newer semantic-conventions-genai repository. */
export const ATTR_GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS = 'gen_ai.usage.cache_write.input_tokens';
export const ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS = 'gen_ai.usage.reasoning.output_tokens';
/** Deprecated spellings, read only. */
export const ATTR_GEN_AI_USAGE_PROMPT_TOKENS = 'gen_ai.usage.prompt_tokens';
export const ATTR_GEN_AI_USAGE_COMPLETION_TOKENS = 'gen_ai.usage.completion_tokens';
export const ATTR_GEN_AI_INPUT_MESSAGES = 'gen_ai.input.messages';
export const ATTR_GEN_AI_OUTPUT_MESSAGES = 'gen_ai.output.messages';
export const ATTR_GEN_AI_SYSTEM_INSTRUCTIONS = 'gen_ai.system_instructions';
export const ATTR_GEN_AI_TOKEN_TYPE = 'gen_ai.token.type';
export const ATTR_SERVER_ADDRESS = 'server.address';
export const ATTR_SERVER_PORT = 'server.port';
export const ATTR_ERROR_TYPE = 'error.type';

// Cost (open proposal, semantic-conventions-genai PR #443).
export const ATTR_GEN_AI_USAGE_COST_AMOUNT = 'gen_ai.usage.cost.amount';
export const ATTR_GEN_AI_USAGE_COST_CURRENCY = 'gen_ai.usage.cost.currency';
export const ATTR_GEN_AI_USAGE_COST_SOURCE = 'gen_ai.usage.cost.source';

// Metrics (v1.41).
export const METRIC_GEN_AI_CLIENT_TOKEN_USAGE = 'gen_ai.client.token.usage';
export const METRIC_GEN_AI_CLIENT_OPERATION_DURATION = 'gen_ai.client.operation.duration';

export const GEN_AI_OPERATION = {
  chat: 'chat',
  textCompletion: 'text_completion',
  generateContent: 'generate_content',
  embeddings: 'embeddings',
} as const;

export const GEN_AI_PROVIDER = {
  openai: 'openai',
  azureOpenai: 'azure.ai.openai',
  anthropic: 'anthropic',
  awsBedrock: 'aws.bedrock',
  gcpGemini: 'gcp.gemini',
  gcpVertexAi: 'gcp.vertex_ai',
  gcpGenAi: 'gcp.gen_ai',
} as const;

// --- ai-margin's own attributes ------------------------------------------------------------------
/** Default span attribute carrying the customer id (configurable in the processor). */
export const ATTR_AI_MARGIN_CUSTOMER_ID = 'ai_margin.customer_id';
/** Default span attribute carrying the product feature. */
export const ATTR_AI_MARGIN_FEATURE = 'ai_margin.feature';
/** Prefix for extra attribution keys passed to `withAttribution` (`ai_margin.attr.<key>`). */
export const ATTR_AI_MARGIN_EXTRA_PREFIX = 'ai_margin.attr.';
/** Id of the price period that priced the call, e.g. `openai/o3-2025-04-16@2025-06-10T00:00:00.000Z`. */
export const ATTR_AI_MARGIN_PRICE_PERIOD = 'ai_margin.price.period';
/** Model id the price book resolved the call to. */
export const ATTR_AI_MARGIN_PRICED_MODEL = 'ai_margin.price.model';
/** Name of the cost rule that priced a non-LLM span. */
export const ATTR_AI_MARGIN_COST_RULE = 'ai_margin.cost.rule';
/** `gen_ai.usage.cost.currency` of the costs ai-margin writes. */
export const COST_CURRENCY = 'USD';
/** `gen_ai.usage.cost.source` values: `local` is a cost ai-margin computed in process. */
export const COST_SOURCE = { local: 'local' } as const;
/** Why a GenAI call has no cost (unknown_model, no_period, missing_usage, invalid_usage). */
export const ATTR_AI_MARGIN_UNPRICED_REASON = 'ai_margin.unpriced.reason';
/** `true` when usage was estimated rather than reported by the provider. */
export const ATTR_AI_MARGIN_USAGE_ESTIMATED = 'ai_margin.usage.estimated';
/** `true` when the provider response carried no usage (e.g. a stream without include_usage). */
export const ATTR_AI_MARGIN_USAGE_MISSING = 'ai_margin.usage.missing';
/** Service tier the call ran on (standard, batch, flex, priority). */
export const ATTR_AI_MARGIN_SERVICE_TIER = 'ai_margin.service_tier';
/** 1-hour cache writes (Anthropic `ephemeral_1h_input_tokens`); the rest of cache writes are 5-minute. */
export const ATTR_AI_MARGIN_USAGE_CACHE_WRITE_1H_TOKENS =
  'ai_margin.usage.cache_write_1h.input_tokens';
/**
 * OpenAI cache writes kept 30 minutes (openai 7 `cache_write_tokens_details.ttl_30m_tokens`): a
 * part of `gen_ai.usage.cache_creation.input_tokens`, which holds all cache writes.
 */
export const ATTR_AI_MARGIN_USAGE_CACHE_WRITE_30M_TOKENS =
  'ai_margin.usage.cache_write_30m.input_tokens';
/** OpenAI cache writes kept 12 hours (`ttl_12h_tokens`): the other part of the cache writes. */
export const ATTR_AI_MARGIN_USAGE_CACHE_WRITE_12H_TOKENS =
  'ai_margin.usage.cache_write_12h.input_tokens';
/**
 * Calls of server-side tools billed per call, as the provider's usage reports them (Anthropic
 * `usage.server_tool_use.web_search_requests` / `web_fetch_requests`, OpenAI Responses
 * `web_search_call` output items, Gemini grounded requests). Priced with the period's `toolFees`.
 */
export const ATTR_AI_MARGIN_USAGE_WEB_SEARCH_CALLS = 'ai_margin.usage.server_tool.web_search.calls';
export const ATTR_AI_MARGIN_USAGE_WEB_FETCH_CALLS = 'ai_margin.usage.server_tool.web_fetch.calls';
export const ATTR_AI_MARGIN_USAGE_CODE_EXECUTION_CALLS =
  'ai_margin.usage.server_tool.code_execution.calls';
/**
 * Audio tokens, a part of `gen_ai.usage.input_tokens` / `output_tokens` (OpenAI
 * `prompt_tokens_details.audio_tokens`, Gemini `promptTokensDetails` of modality AUDIO). Providers
 * price audio apart from text: a call with audio tokens is priced at the period's audio prices,
 * and unpriced when the period has none (priced as text it would be too cheap).
 */
export const ATTR_AI_MARGIN_USAGE_AUDIO_INPUT_TOKENS = 'ai_margin.usage.audio.input_tokens';
/** Audio output tokens, a part of `gen_ai.usage.output_tokens` (OpenAI `completion_tokens_details.audio_tokens`). */
export const ATTR_AI_MARGIN_USAGE_AUDIO_OUTPUT_TOKENS = 'ai_margin.usage.audio.output_tokens';
/**
 * Where the provider processed the call: `global`, or a region such as `us` / `eu`, which pays
 * the price period's `regionalProcessingUplift`. Anthropic reports it as `usage.inference_geo`;
 * for OpenAI the processor derives it from `server.address` when this attribute is absent
 * (`eu.api.openai.com` is `eu`, `api.openai.com` is `global`).
 */
export const ATTR_AI_MARGIN_INFERENCE_REGION = 'ai_margin.inference_region';
/** OpenAI `usage.compute_units` (openai >= 7.8), as reported; not a token count. */
export const ATTR_AI_MARGIN_USAGE_COMPUTE_UNITS = 'ai_margin.usage.compute_units';
