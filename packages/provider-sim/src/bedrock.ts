/**
 * AWS Bedrock runtime, as the `@aws-sdk/client-bedrock-runtime` client calls it:
 * `POST /model/{modelId}/converse | converse-stream | invoke | invoke-with-response-stream`
 * (`modelId` URL-encoded: a plain id, an inference-profile id such as `us.anthropic...`, or an ARN).
 *
 * - Converse: `output.message`, `stopReason`, `usage {inputTokens, outputTokens, totalTokens,
 *   cacheReadInputTokens, cacheWriteInputTokens}`, `metrics.latencyMs`.
 * - ConverseStream: event-stream frames messageStart, contentBlockDelta*, contentBlockStop,
 *   messageStop, metadata (usage + metrics).
 * - InvokeModel / InvokeModelWithResponseStream: the vendor's own body, picked from the request
 *   body shape (then the model id): Anthropic (`anthropic_version`), Meta Llama (`prompt`),
 *   Amazon Titan embeddings (`inputText`), else Amazon Nova (`messages`). Streams send
 *   `chunk {bytes: base64(JSON event)}` frames, the last carrying `amazon-bedrock-invocationMetrics`.
 *
 * Service tier: the request's (Converse `serviceTier.type`, InvokeModel header
 * `X-Amzn-Bedrock-Service-Tier`) is served as asked and echoed (body, stream `metadata`, header).
 *
 * Token mapping from {@link SimUsage}: Bedrock and Anthropic input counts exclude cache reads and
 * writes (`input` = uncached input); cache writes = `cacheWrite5m + cacheWrite1h`; output
 * includes reasoning. Errors: `errorStatus` answers with the status, an `x-amzn-ErrorType` header
 * and `{message}`. `failAfterChunks` sends that many frames, then a `modelStreamErrorException`
 * exception frame (how Bedrock reports a mid-stream failure).
 */
import type { ServerResponse } from 'node:http';
import { encodeEvent, encodeException } from './bedrock-eventstream';
import type { HandlerContext, ProviderHandler } from './handler';
import { DEFAULT_TEXT, splitText } from './script';
import type { SimReply, SimUsage } from './types';

const PATH_RE = /^\/model\/([^/]+)\/(converse|converse-stream|invoke|invoke-with-response-stream)$/;

const ERROR_TYPES: Record<number, string> = {
  400: 'ValidationException',
  403: 'AccessDeniedException',
  404: 'ResourceNotFoundException',
  408: 'ModelTimeoutException',
  424: 'ModelErrorException',
  429: 'ThrottlingException',
  500: 'InternalServerException',
  503: 'ServiceUnavailableException',
};

/** The InvokeModel body family a request belongs to. */
export type BedrockVendor = 'anthropic' | 'nova' | 'llama' | 'titan-embed';

/** Picks the vendor body format from the request body shape, then from the model id. */
export function bedrockVendorOf(modelId: string, body: unknown): BedrockVendor {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  if (b.anthropic_version !== undefined) return 'anthropic';
  if (typeof b.prompt === 'string') return 'llama';
  if (typeof b.inputText === 'string') return 'titan-embed';
  if (b.messages !== undefined) return modelId.includes('anthropic') ? 'anthropic' : 'nova';
  if (modelId.includes('meta.')) return 'llama';
  if (modelId.includes('anthropic.')) return 'anthropic';
  return 'nova';
}

interface Tokens {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

function tokensOf(usage: SimUsage | undefined): Tokens {
  return {
    input: usage?.input ?? 0,
    output: usage?.output ?? 0,
    cacheRead: usage?.cacheRead ?? 0,
    cacheWrite: (usage?.cacheWrite5m ?? 0) + (usage?.cacheWrite1h ?? 0),
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function converseUsage(t: Tokens): Record<string, number> {
  const usage: Record<string, number> = {
    inputTokens: t.input,
    outputTokens: t.output,
    totalTokens: t.input + t.output + t.cacheRead + t.cacheWrite,
  };
  if (t.cacheRead > 0) usage.cacheReadInputTokens = t.cacheRead;
  if (t.cacheWrite > 0) usage.cacheWriteInputTokens = t.cacheWrite;
  return usage;
}

function invocationMetrics(t: Tokens): Record<string, number> {
  const m: Record<string, number> = {
    inputTokenCount: t.input,
    outputTokenCount: t.output,
    invocationLatency: 42,
    firstByteLatency: 21,
  };
  if (t.cacheRead > 0) m.cacheReadInputTokenCount = t.cacheRead;
  if (t.cacheWrite > 0) m.cacheWriteInputTokenCount = t.cacheWrite;
  return m;
}

function anthropicUsage(t: Tokens): Record<string, number> {
  return {
    input_tokens: t.input,
    output_tokens: t.output,
    cache_read_input_tokens: t.cacheRead,
    cache_creation_input_tokens: t.cacheWrite,
  };
}

function novaUsage(t: Tokens): Record<string, number> {
  const usage: Record<string, number> = {
    inputTokens: t.input,
    outputTokens: t.output,
    totalTokens: t.input + t.output + t.cacheRead + t.cacheWrite,
  };
  if (t.cacheRead > 0) usage.cacheReadInputTokenCount = t.cacheRead;
  if (t.cacheWrite > 0) usage.cacheWriteInputTokenCount = t.cacheWrite;
  return usage;
}

/** The non-streaming InvokeModel response body for `vendor`. */
function invokeBody(
  vendor: BedrockVendor,
  modelId: string,
  reply: SimReply,
  text: string,
): Record<string, unknown> {
  const t = tokensOf(reply.usage);
  const omit = reply.omitUsage === true;
  switch (vendor) {
    case 'anthropic':
      return {
        id: 'msg_bdrk_sim_0001',
        type: 'message',
        role: 'assistant',
        model: reply.responseModel ?? modelId,
        content: [{ type: 'text', text }],
        stop_reason: 'end_turn',
        stop_sequence: null,
        ...(omit ? {} : { usage: anthropicUsage(t) }),
      };
    case 'llama':
      return {
        generation: text,
        ...(omit ? {} : { prompt_token_count: t.input, generation_token_count: t.output }),
        stop_reason: 'stop',
      };
    case 'titan-embed':
      return {
        embedding: Array.from({ length: reply.dimensions ?? 8 }, (_, i) => (i % 7) / 10),
        ...(omit ? {} : { inputTextTokenCount: t.input }),
      };
    default:
      return {
        output: { message: { role: 'assistant', content: [{ text }] } },
        stopReason: 'end_turn',
        ...(omit ? {} : { usage: novaUsage(t) }),
      };
  }
}

/** The vendor stream events (before base64 chunk wrapping) for InvokeModelWithResponseStream. */
function invokeStreamEvents(
  vendor: BedrockVendor,
  modelId: string,
  reply: SimReply,
  text: string,
): Record<string, unknown>[] {
  const t = tokensOf(reply.usage);
  const omit = reply.omitUsage === true;
  const pieces = splitText(text);
  const metrics = omit ? {} : { 'amazon-bedrock-invocationMetrics': invocationMetrics(t) };
  switch (vendor) {
    case 'anthropic': {
      const startUsage = { ...anthropicUsage(t), output_tokens: 1 };
      return [
        {
          type: 'message_start',
          message: {
            id: 'msg_bdrk_sim_0001',
            type: 'message',
            role: 'assistant',
            model: reply.responseModel ?? modelId,
            content: [],
            stop_reason: null,
            stop_sequence: null,
            ...(omit ? {} : { usage: startUsage }),
          },
        },
        { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
        ...pieces.map((p) => ({
          type: 'content_block_delta',
          index: 0,
          delta: { type: 'text_delta', text: p },
        })),
        { type: 'content_block_stop', index: 0 },
        {
          type: 'message_delta',
          delta: { stop_reason: 'end_turn', stop_sequence: null },
          ...(omit ? {} : { usage: { output_tokens: t.output } }),
        },
        { type: 'message_stop', ...metrics },
      ];
    }
    case 'llama':
      return pieces.map((p, i) => {
        const last = i === pieces.length - 1;
        return {
          generation: p,
          prompt_token_count: i === 0 && !omit ? t.input : null,
          generation_token_count: omit ? null : last ? t.output : i + 1,
          stop_reason: last ? 'stop' : null,
          ...(last ? metrics : {}),
        };
      });
    default:
      return [
        { messageStart: { role: 'assistant' } },
        ...pieces.map((p) => ({ contentBlockDelta: { delta: { text: p }, contentBlockIndex: 0 } })),
        { contentBlockStop: { contentBlockIndex: 0 } },
        { messageStop: { stopReason: 'end_turn' } },
        {
          metadata: omit
            ? { metrics: {}, trace: {} }
            : { usage: novaUsage(t), metrics: {}, trace: {} },
          ...metrics,
        },
      ];
  }
}

/**
 * The tier a request asked for, served as asked (Converse `serviceTier: { type }`, InvokeModel
 * header `X-Amzn-Bedrock-Service-Tier`); undefined when the request names none (no tier echoed).
 */
function requestedTier(ctx: HandlerContext): string | undefined {
  const body = ctx.body;
  const fromBody =
    typeof body === 'object' && body !== null
      ? (body as { serviceTier?: { type?: unknown } }).serviceTier?.type
      : undefined;
  if (typeof fromBody === 'string') return fromBody;
  const header = ctx.headers['x-amzn-bedrock-service-tier'];
  return typeof header === 'string' && header !== '' ? header : undefined;
}

/** ConverseStream frames as `[eventType, payload]` pairs. */
function converseStreamEvents(reply: SimReply, text: string, tier?: string): [string, unknown][] {
  const t = tokensOf(reply.usage);
  const metadata: Record<string, unknown> = { metrics: { latencyMs: 42 } };
  if (tier !== undefined) metadata.serviceTier = { type: tier };
  if (reply.omitUsage !== true) metadata.usage = converseUsage(t);
  return [
    ['messageStart', { role: 'assistant' }],
    ...splitText(text).map((p): [string, unknown] => [
      'contentBlockDelta',
      { contentBlockIndex: 0, delta: { text: p } },
    ]),
    ['contentBlockStop', { contentBlockIndex: 0 }],
    ['messageStop', { stopReason: 'end_turn' }],
    ['metadata', metadata],
  ];
}

async function sendFrames(
  res: ServerResponse,
  frames: Buffer[],
  reply: SimReply,
  headers: Record<string, string> = {},
): Promise<void> {
  if (reply.delayMs) await sleep(reply.delayMs);
  res.writeHead(200, {
    ...headers,
    'content-type': 'application/vnd.amazon.eventstream',
    'x-amzn-requestid': 'sim-request-0001',
    'x-amzn-bedrock-content-type': 'application/json',
  });
  const failAfter = reply.failAfterChunks;
  for (let i = 0; i < frames.length; i++) {
    if (failAfter !== undefined && i >= failAfter) {
      res.write(encodeException('modelStreamErrorException', 'provider-sim: mid-stream failure'));
      res.end();
      return;
    }
    res.write(frames[i]);
  }
  res.end();
}

async function sendError(ctx: HandlerContext, status: number): Promise<void> {
  const type =
    ERROR_TYPES[status] ?? (status >= 500 ? 'InternalServerException' : 'ValidationException');
  await ctx.sendJson(
    status,
    { message: `provider-sim: simulated ${type} (HTTP ${status})` },
    { 'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/` },
  );
}

export const bedrockHandler: ProviderHandler = {
  provider: 'bedrock',
  match(method, path) {
    return method === 'POST' && PATH_RE.test(path);
  },
  async handle(ctx) {
    const m = PATH_RE.exec(ctx.path) as RegExpExecArray;
    const modelId = decodeURIComponent(m[1] as string);
    const action = m[2] as string;
    const stream = action.endsWith('stream');
    const operation = action.startsWith('converse') ? 'converse' : 'invoke';
    const reply = ctx.reply({ operation, model: modelId, stream, body: ctx.body });
    if (reply.errorStatus) return sendError(ctx, reply.errorStatus);
    const text = reply.text ?? DEFAULT_TEXT;
    const tier = requestedTier(ctx);
    const tierHeader: Record<string, string> =
      tier === undefined ? {} : { 'x-amzn-bedrock-service-tier': tier };

    if (action === 'converse') {
      const body: Record<string, unknown> = {
        output: { message: { role: 'assistant', content: [{ text }] } },
        stopReason: 'end_turn',
        metrics: { latencyMs: 42 },
      };
      if (reply.omitUsage !== true) body.usage = converseUsage(tokensOf(reply.usage));
      if (tier !== undefined) body.serviceTier = { type: tier };
      return ctx.sendJson(200, body, { 'x-amzn-requestid': 'sim-request-0001' });
    }
    if (action === 'converse-stream') {
      const frames = converseStreamEvents(reply, text, tier).map(([type, payload]) =>
        encodeEvent(type, payload),
      );
      return sendFrames(ctx.res, frames, reply);
    }
    const vendor = bedrockVendorOf(modelId, ctx.body);
    if (action === 'invoke') {
      return ctx.sendJson(200, invokeBody(vendor, modelId, reply, text), {
        'x-amzn-requestid': 'sim-request-0001',
        ...tierHeader,
      });
    }
    const frames = invokeStreamEvents(vendor, modelId, reply, text).map((event) =>
      encodeEvent('chunk', {
        bytes: Buffer.from(JSON.stringify(event), 'utf8').toString('base64'),
      }),
    );
    return sendFrames(ctx.res, frames, reply, tierHeader);
  },
};
