/**
 * Google Gemini API (and Vertex AI), as `@google/genai` calls it. Both API versions answer, as
 * Google's do (SDK 1.x/2.x default to `v1beta` / `v1beta1`, 3.x to `v1` on the Gemini API; a
 * client's `httpOptions.apiVersion` picks any), and the call records the path as requested:
 * - Gemini API: `POST /{v1beta|v1|v1alpha}/models/{model}:generateContent`,
 *   `:streamGenerateContent?alt=sse`, `:batchEmbedContents`, `:embedContent`;
 * - Vertex AI: `POST /{v1beta1|v1}/[projects/{p}/locations/{l}/]publishers/google/models/{model}:…`
 *   with the same generate bodies, and `:predict` / `:embedContent` for embeddings
 *   (see `./gemini-embed`).
 *
 * Usage mapping from {@link SimUsage} into `usageMetadata`: `promptTokenCount` = input + cacheRead
 * (Gemini's prompt count includes cached tokens), `cachedContentTokenCount` = cacheRead (when > 0),
 * `candidatesTokenCount` = output - reasoning, `thoughtsTokenCount` = reasoning (when > 0; SimUsage
 * output includes reasoning, Gemini reports thoughts apart), `totalTokenCount` = prompt + output.
 * Streams are SSE `data:` lines of GenerateContentResponse; intermediate chunks carry only
 * `promptTokenCount`, the last one the full usage (the client must keep the last usage it saw).
 *
 * Service tier: the request's `serviceTier` (`flex`, `priority`; default standard) is served
 * unless the reply says otherwise ({@link GeminiSimReply.servedTier}, e.g. a Priority request
 * downgraded to standard). The Gemini API reports it in the `x-gemini-service-tier` header,
 * Vertex in `usageMetadata.trafficType` (`ON_DEMAND`, `ON_DEMAND_FLEX`, `ON_DEMAND_PRIORITY`).
 *
 * Automatic continuation: a reply with {@link GeminiSimReply.continuationToken} ends with
 * `finishReason: CONTINUATION` and that token on the candidate; SDKs that continue (2.32, 3.x)
 * send the next request with `continuationToken` in the body, which the script can read.
 * Errors: `{ error: { code, message, status } }` with the gRPC-style status name.
 */
import { answerEmbeddings } from './gemini-embed';
import type { HandlerContext, ProviderHandler, SseEvent } from './handler';
import { DEFAULT_TEXT, splitText } from './script';
import type { SimReply, SimUsage } from './types';

/** Gemini-only reply fields a script may return alongside the {@link SimReply} ones. */
export interface GeminiSimReply extends SimReply {
  /** End the response as a continuation checkpoint with this token. */
  continuationToken?: string;
  /** Tier the call is served on, overriding the requested one. */
  servedTier?: 'standard' | 'flex' | 'priority';
}

const PATH_RE =
  /^\/(?:v1|v1beta|v1beta1|v1alpha)\/(?:projects\/[^/]+\/locations\/[^/]+\/)?(publishers\/[^/]+\/)?models\/([^/:]+):(generateContent|streamGenerateContent|embedContent|batchEmbedContents|predict)$/;

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

const TRAFFIC_TYPES = {
  standard: 'ON_DEMAND',
  flex: 'ON_DEMAND_FLEX',
  priority: 'ON_DEMAND_PRIORITY',
};

/** `usageMetadata` for a reply, in Gemini's convention (see the module comment). */
export function geminiUsageMetadata(u: SimUsage): Record<string, number> {
  const cacheRead = u.cacheRead ?? 0;
  const reasoning = u.reasoning ?? 0;
  const prompt = u.input + cacheRead;
  const meta: Record<string, number> = {
    promptTokenCount: prompt,
    candidatesTokenCount: u.output - reasoning,
    totalTokenCount: prompt + u.output,
  };
  if (cacheRead > 0) meta.cachedContentTokenCount = cacheRead;
  if (reasoning > 0) meta.thoughtsTokenCount = reasoning;
  return meta;
}

/** The tier the call is served on: the reply's override, else the requested one. */
function servedTier(
  body: Record<string, unknown>,
  reply: GeminiSimReply,
): keyof typeof TRAFFIC_TYPES {
  if (reply.servedTier) return reply.servedTier;
  const raw = body.serviceTier ?? body.service_tier;
  const name = typeof raw === 'string' ? raw.toLowerCase().replace(/^service_tier_/, '') : '';
  return name === 'flex' || name === 'priority' ? name : 'standard';
}

async function sendError(ctx: HandlerContext, status: number): Promise<void> {
  await ctx.sendJson(status, {
    error: {
      code: status,
      message: `provider-sim: simulated error (HTTP ${status})`,
      status: STATUS_NAMES[status] ?? (status >= 500 ? 'INTERNAL' : 'INVALID_ARGUMENT'),
    },
  });
}

function candidate(text: string, finishReason?: string, token?: string): Record<string, unknown> {
  return {
    content: { parts: [{ text }], role: 'model' },
    ...(finishReason ? { finishReason } : {}),
    ...(token ? { continuationToken: token } : {}),
    index: 0,
  };
}

async function answerGenerate(
  ctx: HandlerContext,
  model: string,
  vertex: boolean,
  stream: boolean,
  body: Record<string, unknown>,
  reply: GeminiSimReply,
): Promise<void> {
  const text = reply.text ?? DEFAULT_TEXT;
  const modelVersion = reply.responseModel ?? model;
  const tier = servedTier(body, reply);
  const usage: Record<string, number | string> | undefined =
    reply.omitUsage || !reply.usage ? undefined : geminiUsageMetadata(reply.usage);
  if (usage && vertex) usage.trafficType = TRAFFIC_TYPES[tier];
  // A header set here is merged into the status line's headers by sendJson / sendSse.
  if (!vertex) ctx.res.setHeader('x-gemini-service-tier', tier);
  const token = reply.continuationToken;
  const finish = token ? 'CONTINUATION' : 'STOP';
  const responseId = 'sim-gemini-response-1';
  if (!stream) {
    return ctx.sendJson(200, {
      candidates: [candidate(text, finish, token)],
      ...(usage ? { usageMetadata: usage } : {}),
      modelVersion,
      responseId,
    });
  }
  const pieces = splitText(text);
  const events: SseEvent[] = pieces.map((piece, i) => {
    const last = i === pieces.length - 1;
    const chunkUsage = usage && (last ? usage : { promptTokenCount: usage.promptTokenCount });
    return {
      data: JSON.stringify({
        candidates: [last ? candidate(piece, finish, token) : candidate(piece)],
        ...(chunkUsage ? { usageMetadata: chunkUsage } : {}),
        modelVersion,
        responseId,
      }),
    };
  });
  return ctx.sendSse(events, { failAfterChunks: reply.failAfterChunks });
}

export const geminiHandler: ProviderHandler = {
  provider: 'gemini',
  match(method, path) {
    return method === 'POST' && PATH_RE.test(path);
  },
  async handle(ctx) {
    const m = PATH_RE.exec(ctx.path) as RegExpExecArray;
    const vertex = m[1] !== undefined;
    const model = decodeURIComponent(m[2] as string);
    const action = m[3] as string;
    const body = (ctx.body && typeof ctx.body === 'object' ? ctx.body : {}) as Record<
      string,
      unknown
    >;
    const embed = action !== 'generateContent' && action !== 'streamGenerateContent';
    const stream = action === 'streamGenerateContent';
    const operation = embed ? 'embedContent' : 'generateContent';
    const reply: GeminiSimReply = ctx.reply({ operation, model, stream, body: ctx.body });
    if (reply.errorStatus) return sendError(ctx, reply.errorStatus);
    if (embed) return answerEmbeddings(ctx, action, body, reply);
    return answerGenerate(ctx, model, vertex, stream, body, reply);
  },
};
