/**
 * Anthropic Messages API wire format: `POST /v1/messages` (also `?beta=true`, which the SDK's
 * `beta.messages` adds). Usage mapping from {@link SimUsage}: `input_tokens` = input (uncached,
 * EXCLUDING cache reads and writes, as the real API), `cache_read_input_tokens` = cacheRead,
 * `cache_creation_input_tokens` = cacheWrite5m + cacheWrite1h with the split in
 * `cache_creation.ephemeral_5m_input_tokens` / `ephemeral_1h_input_tokens`, `output_tokens` =
 * output. Streams: `message_start` carries input/cache usage with `output_tokens: 1`;
 * `message_delta` carries the cumulative usage (input, cache and final output), as the API has
 * done since 2025. `webSearches` / `webFetches` give `usage.server_tool_use`; `usage.inference_geo`
 * is `inferenceGeo`, else the request's `inference_geo` (rendered only when one is set). Errors use `{ type: 'error', error: { type, message } }`.
 */
import type { HandlerContext, ProviderHandler, SseEvent } from '../handler';
import { DEFAULT_TEXT, modelOf, splitText } from '../script';
import type { SimUsage } from '../types';
import { errorTypeFor, isRecord, nextId } from './common';

function anthropicUsage(u: SimUsage, outputTokens: number, geo: string | undefined) {
  const w5 = u.cacheWrite5m ?? 0;
  const w1 = u.cacheWrite1h ?? 0;
  return {
    input_tokens: u.input,
    cache_creation_input_tokens: w5 + w1,
    cache_read_input_tokens: u.cacheRead ?? 0,
    cache_creation: { ephemeral_5m_input_tokens: w5, ephemeral_1h_input_tokens: w1 },
    output_tokens: outputTokens,
    service_tier: 'standard',
    ...serverToolUse(u),
    ...(u.speed === undefined ? {} : { speed: u.speed }),
    ...(geo === undefined ? {} : { inference_geo: geo }),
  };
}

/** `server_tool_use`, only when the reply sets a server-tool count (null otherwise, as the API). */
function serverToolUse(u: SimUsage) {
  if (u.webSearches === undefined && u.webFetches === undefined) return {};
  return {
    server_tool_use: {
      web_search_requests: u.webSearches ?? 0,
      web_fetch_requests: u.webFetches ?? 0,
    },
  };
}

async function sendError(ctx: HandlerContext, status: number): Promise<void> {
  await ctx.sendJson(status, {
    type: 'error',
    error: { type: errorTypeFor(status), message: `provider-sim: simulated ${status}` },
  });
}

const messages: ProviderHandler = {
  provider: 'anthropic',
  match: (method, path) => method === 'POST' && path.endsWith('/v1/messages'),
  async handle(ctx) {
    const body = isRecord(ctx.body) ? ctx.body : {};
    const stream = body.stream === true;
    const model = modelOf(body);
    const reply = ctx.reply({ operation: 'messages', model, stream, body: ctx.body });
    if (reply.errorStatus) return sendError(ctx, reply.errorStatus);
    const id = nextId('msg_sim_');
    const text = reply.text ?? DEFAULT_TEXT;
    const usage: SimUsage = reply.omitUsage
      ? { input: 0, output: 0 }
      : (reply.usage ?? { input: 0, output: 0 });
    const responseModel = reply.responseModel ?? model;
    // Where inference ran: the reply's, else the request's `inference_geo` echoed (as the API).
    const geo =
      usage.inferenceGeo ??
      (typeof body.inference_geo === 'string' ? body.inference_geo : undefined);
    if (!stream) {
      return ctx.sendJson(200, {
        id,
        type: 'message',
        role: 'assistant',
        model: responseModel,
        content: [{ type: 'text', text }],
        stop_reason: 'end_turn',
        stop_sequence: null,
        usage: anthropicUsage(usage, usage.output, geo),
      });
    }
    const ev = (type: string, payload: Record<string, unknown>): SseEvent => ({
      event: type,
      data: JSON.stringify({ type, ...payload }),
    });
    const events: SseEvent[] = [
      ev('message_start', {
        message: {
          id,
          type: 'message',
          role: 'assistant',
          model: responseModel,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: anthropicUsage(usage, 1, geo),
        },
      }),
      ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
      ev('ping', {}),
      ...splitText(text).map((t) =>
        ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: t } }),
      ),
      ev('content_block_stop', { index: 0 }),
      ev('message_delta', {
        delta: { stop_reason: 'end_turn', stop_sequence: null },
        usage: {
          input_tokens: usage.input,
          cache_creation_input_tokens: (usage.cacheWrite5m ?? 0) + (usage.cacheWrite1h ?? 0),
          cache_read_input_tokens: usage.cacheRead ?? 0,
          output_tokens: usage.output,
          ...serverToolUse(usage),
        },
      }),
      ev('message_stop', {}),
    ];
    return ctx.sendSse(events);
  },
};

export const anthropicHandlers: ProviderHandler[] = [messages];
