/**
 * Google Gemini API (and Vertex AI), as `@google/genai` calls it:
 * - Gemini API: `POST /{v1beta|v1}/models/{model}:generateContent`, `:streamGenerateContent?alt=sse`,
 *   `:batchEmbedContents`, `:embedContent`;
 * - Vertex AI: `POST /{v1beta1|v1}/projects/{p}/locations/{l}/publishers/google/models/{model}:…`
 *   with the same generate bodies, and `:predict` / `:embedContent` for embeddings.
 *
 * Usage mapping from {@link SimUsage} into `usageMetadata`: `promptTokenCount` = input + cacheRead
 * (Gemini's prompt count includes cached tokens), `cachedContentTokenCount` = cacheRead (when > 0),
 * `candidatesTokenCount` = output - reasoning, `thoughtsTokenCount` = reasoning (when > 0; SimUsage
 * output includes reasoning, Gemini reports thoughts apart), `totalTokenCount` = prompt + output.
 * Streams are SSE `data:` lines of GenerateContentResponse; intermediate chunks carry only
 * `promptTokenCount`, the last one the full usage (the client must keep the last usage it saw).
 * Gemini API embeddings report no token usage (as the real API); Vertex `:predict` embeddings
 * carry `statistics.token_count` per instance.
 * Errors: `{ error: { code, message, status } }` with the gRPC-style status name.
 */
import type { HandlerContext, ProviderHandler, SseEvent } from './handler';
import { DEFAULT_TEXT, fakeEmbedding, splitText } from './script';
import type { SimReply, SimUsage } from './types';

const PATH_RE =
  /^\/(?:v1|v1beta|v1beta1|v1alpha)\/(?:projects\/[^/]+\/locations\/[^/]+\/)?(?:publishers\/[^/]+\/)?models\/([^/:]+):(generateContent|streamGenerateContent|embedContent|batchEmbedContents|predict)$/;

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

async function sendError(ctx: HandlerContext, status: number): Promise<void> {
  await ctx.sendJson(status, {
    error: {
      code: status,
      message: `provider-sim: simulated error (HTTP ${status})`,
      status: STATUS_NAMES[status] ?? (status >= 500 ? 'INTERNAL' : 'INVALID_ARGUMENT'),
    },
  });
}

function candidate(text: string, finishReason?: string): Record<string, unknown> {
  return {
    content: { parts: [{ text }], role: 'model' },
    ...(finishReason ? { finishReason } : {}),
    index: 0,
  };
}

function countOf(v: unknown): number {
  return Array.isArray(v) ? v.length : 1;
}

function embeddingCount(action: string, body: Record<string, unknown>): number {
  if (action === 'batchEmbedContents') return countOf(body.requests);
  if (action === 'predict') return countOf(body.instances);
  return 1;
}

async function answerEmbeddings(
  ctx: HandlerContext,
  action: string,
  body: Record<string, unknown>,
  reply: SimReply,
): Promise<void> {
  const dims = reply.dimensions ?? 8;
  const n = embeddingCount(action, body);
  const vectors = Array.from({ length: n }, (_, i) => fakeEmbedding(i + 1, dims));
  if (action === 'batchEmbedContents') {
    return ctx.sendJson(200, { embeddings: vectors.map((values) => ({ values })) });
  }
  if (action === 'predict') {
    // Vertex: split the input tokens over the instances (the first gets the remainder).
    const total = reply.usage?.input ?? 0;
    const share = Math.floor(total / n);
    return ctx.sendJson(200, {
      predictions: vectors.map((values, i) => ({
        embeddings: {
          values,
          statistics: { token_count: i === 0 ? total - share * (n - 1) : share, truncated: false },
        },
      })),
      metadata: { billableCharacterCount: total * 4 },
    });
  }
  const usage =
    reply.omitUsage || !reply.usage
      ? {}
      : { usageMetadata: { promptTokenCount: reply.usage.input } };
  return ctx.sendJson(200, { embedding: { values: vectors[0] }, ...usage });
}

export const geminiHandler: ProviderHandler = {
  provider: 'gemini',
  match(method, path) {
    return method === 'POST' && PATH_RE.test(path);
  },
  async handle(ctx) {
    const m = PATH_RE.exec(ctx.path) as RegExpExecArray;
    const model = decodeURIComponent(m[1] as string);
    const action = m[2] as string;
    const body = (ctx.body && typeof ctx.body === 'object' ? ctx.body : {}) as Record<
      string,
      unknown
    >;
    const embed = action !== 'generateContent' && action !== 'streamGenerateContent';
    const stream = action === 'streamGenerateContent';
    const operation = embed ? 'embedContent' : 'generateContent';
    const reply = ctx.reply({ operation, model, stream, body: ctx.body });
    if (reply.errorStatus) return sendError(ctx, reply.errorStatus);
    if (embed) return answerEmbeddings(ctx, action, body, reply);

    const text = reply.text ?? DEFAULT_TEXT;
    const modelVersion = reply.responseModel ?? model;
    const usage = reply.omitUsage || !reply.usage ? undefined : geminiUsageMetadata(reply.usage);
    const responseId = 'sim-gemini-response-1';
    if (!stream) {
      return ctx.sendJson(200, {
        candidates: [candidate(text, 'STOP')],
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
          candidates: [candidate(piece, last ? 'STOP' : undefined)],
          ...(chunkUsage ? { usageMetadata: chunkUsage } : {}),
          modelVersion,
          responseId,
        }),
      };
    });
    return ctx.sendSse(events, { failAfterChunks: reply.failAfterChunks });
  },
};
