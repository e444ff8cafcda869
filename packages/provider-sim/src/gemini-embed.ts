/**
 * Gemini API / Vertex AI embeddings for the simulator's Gemini handler:
 * - Gemini API `:batchEmbedContents` (what `@google/genai` calls for every `embedContent`):
 *   `embeddings[]` and `usageMetadata.promptTokenCount` = input (the SDK passes it on from 3.x;
 *   older SDKs drop the field, so their callers see no usage);
 * - Vertex `:predict` (text-embedding models): `statistics.token_count` per instance, the input
 *   split over the instances (the first gets the remainder);
 * - Vertex `:embedContent` (Gemini embedding models): one `embedding` and
 *   `usageMetadata.promptTokenCount` = input.
 */
import type { HandlerContext } from './handler';
import { fakeEmbedding } from './script';
import type { SimReply } from './types';

function countOf(v: unknown): number {
  return Array.isArray(v) ? v.length : 1;
}

function embeddingCount(action: string, body: Record<string, unknown>): number {
  if (action === 'batchEmbedContents') return countOf(body.requests);
  if (action === 'predict') return countOf(body.instances);
  return 1;
}

export async function answerEmbeddings(
  ctx: HandlerContext,
  action: string,
  body: Record<string, unknown>,
  reply: SimReply,
): Promise<void> {
  const dims = reply.dimensions ?? 8;
  const n = embeddingCount(action, body);
  const vectors = Array.from({ length: n }, (_, i) => fakeEmbedding(i + 1, dims));
  const input = reply.omitUsage ? undefined : reply.usage?.input;
  const usage = input === undefined ? {} : { usageMetadata: { promptTokenCount: input } };
  if (action === 'batchEmbedContents') {
    return ctx.sendJson(200, { embeddings: vectors.map((values) => ({ values })), ...usage });
  }
  if (action === 'predict') {
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
  return ctx.sendJson(200, { embedding: { values: vectors[0] }, ...usage });
}
