import type { IncomingHttpHeaders } from 'node:http';

/** Providers the simulator answers for. */
export type SimProvider = 'openai' | 'anthropic' | 'bedrock' | 'gemini';

/** One call the simulator received, as seen by a reply script. */
export interface SimCall {
  provider: SimProvider;
  /** e.g. `chat.completions`, `responses`, `embeddings`, `messages`, `converse`, `invoke`, `generateContent`, `embedContent`. */
  operation: string;
  model: string;
  stream: boolean;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON request body (or undefined). */
  body: unknown;
}

/** Token usage the simulator reports, in neutral terms; each provider module renders it in its own convention. */
export interface SimUsage {
  /** Uncached input tokens. */
  input: number;
  /** Output tokens, reasoning tokens included (each provider module renders its own split). */
  output: number;
  cacheRead?: number;
  cacheWrite5m?: number;
  cacheWrite1h?: number;
  /** Reasoning tokens (part of output for OpenAI/semconv, `thoughtsTokenCount` for Gemini). */
  reasoning?: number;
  /**
   * OpenAI (openai 7) cache writes kept 30 minutes, part of the prompt like `input`. Setting it
   * or `cacheWrite12h` opts in to the openai 7 cache-write fields (see `handlers/openai.ts`).
   */
  cacheWrite30m?: number;
  /** OpenAI cache writes kept 12 hours (Responses: `ttl_12h_tokens`). */
  cacheWrite12h?: number;
  /** OpenAI `usage.compute_units` (openai >= 7.8); rendered only when set. */
  computeUnits?: number;
  /**
   * Server-side web searches the call made: Anthropic `usage.server_tool_use.web_search_requests`,
   * OpenAI Responses `web_search_call` output items. Rendered only when set.
   */
  webSearches?: number;
  /** Anthropic `usage.server_tool_use.web_fetch_requests`; rendered only when set. */
  webFetches?: number;
  /**
   * Audio tokens, a part of `input` + `cacheRead` / of `output`: OpenAI chat
   * `prompt_tokens_details.audio_tokens` / `completion_tokens_details.audio_tokens` (0 unset).
   */
  audioInput?: number;
  audioOutput?: number;
  /** Anthropic `usage.speed` (`fast` for fast mode); rendered only when set. */
  speed?: 'standard' | 'fast';
  /**
   * Anthropic `usage.inference_geo` (where inference ran: `global`, `us`). Unset: the request's
   * `inference_geo` is echoed when it has one, else the field is absent.
   */
  inferenceGeo?: string;
}

/** What the simulator should answer for one call. */
export interface SimReply {
  /** Defaults to a short deterministic text. */
  text?: string;
  usage?: SimUsage;
  /** Model name returned in the response (e.g. a dated snapshot); defaults to the request model. */
  responseModel?: string;
  /** Answer with this HTTP error status (e.g. 429, 500) and a provider-shaped error body. */
  errorStatus?: number;
  /** For streams: fail after this many chunks have been sent (mid-stream error / dropped connection). */
  failAfterChunks?: number;
  /** Omit usage from the response (e.g. a stream without include_usage). */
  omitUsage?: boolean;
  /** Delay before answering, in ms. */
  delayMs?: number;
  /** Embedding dimension for embedding calls. */
  dimensions?: number;
}

/** Decides the reply for a call; the default script derives usage deterministically from the body. */
export type ReplyScript = (call: SimCall) => SimReply;
