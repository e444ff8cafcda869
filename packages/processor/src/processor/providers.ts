import { GEN_AI_PROVIDER } from '@ai-margin/conventions';

/**
 * Provider names as peers spell them, mapped to `gen_ai.provider.name` values (the price book's
 * provider keys). Unknown names are kept, lower-cased. A Map, not an object literal: a provider
 * named `constructor` or `__proto__` must not find `Object.prototype`'s members.
 */
const EXACT = new Map<string, string>(
  Object.entries({
    openai: GEN_AI_PROVIDER.openai,
    'az.ai.openai': GEN_AI_PROVIDER.azureOpenai,
    'azure.ai.openai': GEN_AI_PROVIDER.azureOpenai,
    azure: GEN_AI_PROVIDER.azureOpenai,
    'azure-openai': GEN_AI_PROVIDER.azureOpenai,
    azure_openai: GEN_AI_PROVIDER.azureOpenai,
    'az.ai.inference': 'azure.ai.inference',
    'azure.ai.inference': 'azure.ai.inference',
    anthropic: GEN_AI_PROVIDER.anthropic,
    'aws.bedrock': GEN_AI_PROVIDER.awsBedrock,
    aws: GEN_AI_PROVIDER.awsBedrock,
    bedrock: GEN_AI_PROVIDER.awsBedrock,
    aws_bedrock: GEN_AI_PROVIDER.awsBedrock,
    'amazon-bedrock': GEN_AI_PROVIDER.awsBedrock,
    'gcp.gemini': GEN_AI_PROVIDER.gcpGemini,
    gemini: GEN_AI_PROVIDER.gcpGemini,
    google: GEN_AI_PROVIDER.gcpGemini,
    'google.generative-ai': GEN_AI_PROVIDER.gcpGemini,
    'gcp.vertex_ai': GEN_AI_PROVIDER.gcpVertexAi,
    vertex_ai: GEN_AI_PROVIDER.gcpVertexAi,
    vertexai: GEN_AI_PROVIDER.gcpVertexAi,
    vertex: GEN_AI_PROVIDER.gcpVertexAi,
    'gcp.gen_ai': GEN_AI_PROVIDER.gcpGenAi,
    mistral: 'mistral_ai',
    mistralai: 'mistral_ai',
    mistral_ai: 'mistral_ai',
    xai: 'x_ai',
    x_ai: 'x_ai',
    cohere: 'cohere',
    groq: 'groq',
    deepseek: 'deepseek',
    perplexity: 'perplexity',
  }),
);

const cache = new Map<string, string>();
const CACHE_LIMIT = 256;

let lastRaw = '';
let lastResult = '';

/** Canonical provider name for a raw `gen_ai.provider.name` / `gen_ai.system` / Vercel value. */
export function normalizeProvider(raw: string): string {
  // Spans come in bursts from one provider: skip the Map for a repeat.
  if (raw === lastRaw) return lastResult;
  let result = cache.get(raw);
  if (result === undefined) {
    result = compute(raw);
    if (cache.size < CACHE_LIMIT) cache.set(raw, result);
  }
  lastRaw = raw;
  lastResult = result;
  return result;
}

function compute(raw: string): string {
  const lower = raw.trim().toLowerCase().replace(/\s+/g, '_');
  const exact = EXACT.get(lower);
  if (exact) return exact;
  // Vercel AI SDK: `openai.chat`, `anthropic.messages`, `google.vertex.chat`, `azure-openai.chat`.
  if (lower.startsWith('google.vertex') || lower.startsWith('vertex.'))
    return GEN_AI_PROVIDER.gcpVertexAi;
  const dot = lower.indexOf('.');
  if (dot > 0) {
    const prefix = EXACT.get(lower.slice(0, dot));
    if (prefix) return prefix;
  }
  return lower;
}
