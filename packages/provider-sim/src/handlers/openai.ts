/**
 * OpenAI (and Azure OpenAI) wire format: `POST …/chat/completions`, `…/responses`,
 * `…/embeddings` (any prefix, so `/v1/...` and Azure `/openai/deployments/<d>/...` both match).
 *
 * Usage mapping from {@link SimUsage}: `prompt_tokens` / `input_tokens` = input + cacheRead +
 * cache writes, `cached_tokens` = cacheRead, `completion_tokens` / `output_tokens` = output
 * (reasoning included), `reasoning_tokens` = reasoning. openai 7 fields, only when the usage sets
 * them: `cacheWrite30m` / `cacheWrite12h` give `cache_write_tokens` (their sum; chat in
 * `prompt_tokens_details`, Responses in `input_tokens_details` with `cache_write_tokens_details
 * { ttl_30m_tokens, ttl_12h_tokens }`), `computeUnits` gives `usage.compute_units`. Chat streams
 * carry usage in a final chunk only when the request has `stream_options.include_usage: true`
 * (as the real API); Responses streams carry it in `response.completed`. The response's
 * `service_tier` echoes the request's (`default` for none or `auto`). Embeddings honour
 * `encoding_format: 'base64'` (the SDK default since v4.56). Errors use OpenAI's
 * `{ error: { message, type, code } }`.
 */
import type { HandlerContext, ProviderHandler, SseEvent } from '../handler';
import { DEFAULT_TEXT, fakeEmbedding, modelOf, splitText } from '../script';
import type { SimReply, SimUsage } from '../types';
import { errorTypeFor, isRecord, nextId } from './common';

const CREATED = 1_764_000_000;

/** Sum of the openai 7 cache writes, or undefined when the usage does not opt in to them. */
function cacheWritesOf(u: SimUsage): number | undefined {
  if (u.cacheWrite30m === undefined && u.cacheWrite12h === undefined) return undefined;
  return (u.cacheWrite30m ?? 0) + (u.cacheWrite12h ?? 0);
}

function promptTotal(u: SimUsage): number {
  return u.input + (u.cacheRead ?? 0) + (cacheWritesOf(u) ?? 0);
}

function computeUnits(u: SimUsage): { compute_units?: number } {
  return u.computeUnits === undefined ? {} : { compute_units: u.computeUnits };
}

function chatUsage(u: SimUsage) {
  const writes = cacheWritesOf(u);
  return {
    prompt_tokens: promptTotal(u),
    completion_tokens: u.output,
    total_tokens: promptTotal(u) + u.output,
    prompt_tokens_details: {
      cached_tokens: u.cacheRead ?? 0,
      audio_tokens: u.audioInput ?? 0,
      ...(writes === undefined ? {} : { cache_write_tokens: writes }),
    },
    completion_tokens_details: {
      reasoning_tokens: u.reasoning ?? 0,
      audio_tokens: u.audioOutput ?? 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
    ...computeUnits(u),
  };
}

function responsesUsage(u: SimUsage) {
  const writes = cacheWritesOf(u);
  return {
    input_tokens: promptTotal(u),
    input_tokens_details: {
      cached_tokens: u.cacheRead ?? 0,
      ...(writes === undefined
        ? {}
        : {
            cache_write_tokens: writes,
            cache_write_tokens_details: {
              ttl_30m_tokens: u.cacheWrite30m ?? 0,
              ttl_12h_tokens: u.cacheWrite12h ?? 0,
            },
          }),
    },
    output_tokens: u.output,
    output_tokens_details: { reasoning_tokens: u.reasoning ?? 0 },
    total_tokens: promptTotal(u) + u.output,
    ...computeUnits(u),
  };
}

async function sendError(ctx: HandlerContext, status: number): Promise<void> {
  const type = errorTypeFor(status);
  await ctx.sendJson(status, {
    error: { message: `provider-sim: simulated ${status}`, type, param: null, code: type },
  });
}

function serviceTierOf(body: Record<string, unknown>): string {
  const t = body.service_tier;
  return typeof t === 'string' && t !== 'auto' ? t : 'default';
}

function usageOf(reply: SimReply): SimUsage | undefined {
  return reply.omitUsage ? undefined : reply.usage;
}

const chatCompletions: ProviderHandler = {
  provider: 'openai',
  match: (method, path) => method === 'POST' && path.endsWith('/chat/completions'),
  async handle(ctx) {
    const body = isRecord(ctx.body) ? ctx.body : {};
    const stream = body.stream === true;
    const model = modelOf(body);
    const reply = ctx.reply({ operation: 'chat.completions', model, stream, body: ctx.body });
    if (reply.errorStatus) return sendError(ctx, reply.errorStatus);
    const id = nextId('chatcmpl-sim-');
    const responseModel = reply.responseModel ?? model;
    const text = reply.text ?? DEFAULT_TEXT;
    const usage = usageOf(reply);
    const tier = serviceTierOf(body);
    if (!stream) {
      return ctx.sendJson(200, {
        id,
        object: 'chat.completion',
        created: CREATED,
        model: responseModel,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: text, refusal: null, annotations: [] },
            logprobs: null,
            finish_reason: 'stop',
          },
        ],
        ...(usage ? { usage: chatUsage(usage) } : {}),
        service_tier: tier,
        system_fingerprint: 'fp_sim',
      });
    }
    const chunk = (choices: unknown[], extra: Record<string, unknown> = {}): SseEvent => ({
      data: JSON.stringify({
        id,
        object: 'chat.completion.chunk',
        created: CREATED,
        model: responseModel,
        service_tier: tier,
        system_fingerprint: 'fp_sim',
        choices,
        ...extra,
      }),
    });
    const includeUsage =
      isRecord(body.stream_options) && body.stream_options.include_usage === true;
    const events: SseEvent[] = [
      chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]),
      ...splitText(text).map((t) =>
        chunk([{ index: 0, delta: { content: t }, finish_reason: null }]),
      ),
      chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]),
    ];
    if (includeUsage && usage) events.push(chunk([], { usage: chatUsage(usage) }));
    events.push({ data: '[DONE]' });
    return ctx.sendSse(events);
  },
};

const responses: ProviderHandler = {
  provider: 'openai',
  match: (method, path) => method === 'POST' && path.endsWith('/responses'),
  async handle(ctx) {
    const body = isRecord(ctx.body) ? ctx.body : {};
    const stream = body.stream === true;
    const model = modelOf(body);
    const reply = ctx.reply({ operation: 'responses', model, stream, body: ctx.body });
    if (reply.errorStatus) return sendError(ctx, reply.errorStatus);
    const id = nextId('resp_sim_');
    const msgId = nextId('msg_sim_');
    const text = reply.text ?? DEFAULT_TEXT;
    const usage = usageOf(reply);
    const base = {
      id,
      object: 'response',
      created_at: CREATED,
      model: reply.responseModel ?? model,
      service_tier: serviceTierOf(body),
      error: null,
      incomplete_details: null,
      instructions: null,
      metadata: {},
      parallel_tool_calls: true,
      temperature: 1,
      tool_choice: 'auto',
      tools: [],
      top_p: 1,
    };
    const message = {
      type: 'message',
      id: msgId,
      status: 'completed',
      role: 'assistant',
      content: [{ type: 'output_text', text, annotations: [] }],
    };
    // One completed `web_search_call` item per simulated search, before the message (as the API).
    const searches = Array.from({ length: usage?.webSearches ?? 0 }, (_, i) => ({
      type: 'web_search_call',
      id: `ws_sim_${i}`,
      status: 'completed',
      action: { type: 'search', query: 'provider-sim' },
    }));
    const completed = {
      ...base,
      status: 'completed',
      output: [...searches, message],
      usage: usage ? responsesUsage(usage) : null,
    };
    if (!stream) return ctx.sendJson(200, completed);
    let seq = 0;
    const ev = (type: string, payload: Record<string, unknown>): SseEvent => ({
      event: type,
      data: JSON.stringify({ type, sequence_number: seq++, ...payload }),
    });
    const events: SseEvent[] = [
      ev('response.created', {
        response: { ...base, status: 'in_progress', output: [], usage: null },
      }),
      ev('response.in_progress', {
        response: { ...base, status: 'in_progress', output: [], usage: null },
      }),
      ev('response.output_item.added', {
        output_index: 0,
        item: { ...message, status: 'in_progress', content: [] },
      }),
      ev('response.content_part.added', {
        item_id: msgId,
        output_index: 0,
        content_index: 0,
        part: { type: 'output_text', text: '', annotations: [] },
      }),
      ...splitText(text).map((delta) =>
        ev('response.output_text.delta', {
          item_id: msgId,
          output_index: 0,
          content_index: 0,
          delta,
        }),
      ),
      ev('response.output_text.done', { item_id: msgId, output_index: 0, content_index: 0, text }),
      ev('response.output_item.done', { output_index: 0, item: message }),
      ev('response.completed', { response: completed }),
    ];
    return ctx.sendSse(events);
  },
};

const embeddings: ProviderHandler = {
  provider: 'openai',
  match: (method, path) => method === 'POST' && path.endsWith('/embeddings'),
  async handle(ctx) {
    const body = isRecord(ctx.body) ? ctx.body : {};
    const model = modelOf(body);
    const reply = ctx.reply({ operation: 'embeddings', model, stream: false, body: ctx.body });
    if (reply.errorStatus) return sendError(ctx, reply.errorStatus);
    const inputs = Array.isArray(body.input) ? body.input : [body.input];
    const dims = reply.dimensions ?? (typeof body.dimensions === 'number' ? body.dimensions : 8);
    const base64 = body.encoding_format === 'base64';
    const usage = usageOf(reply);
    return ctx.sendJson(200, {
      object: 'list',
      model: reply.responseModel ?? model,
      data: inputs.map((_, index) => {
        const vec = fakeEmbedding(index + 1, dims);
        return {
          object: 'embedding',
          index,
          embedding: base64 ? Buffer.from(new Float32Array(vec).buffer).toString('base64') : vec,
        };
      }),
      ...(usage
        ? {
            usage: {
              prompt_tokens: usage.input + (usage.cacheRead ?? 0),
              total_tokens: usage.input + (usage.cacheRead ?? 0),
            },
          }
        : {}),
    });
  },
};

export const openaiHandlers: ProviderHandler[] = [chatCompletions, responses, embeddings];
