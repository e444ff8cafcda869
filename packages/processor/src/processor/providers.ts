/**
 * Provider names as peers spell them, mapped to `gen_ai.provider.name` values (the price book's
 * provider keys). Unknown names are kept, lower-cased. A Map, not an object literal: a provider
 * named `constructor` or `__proto__` must not find `Object.prototype`'s members.
 */
const EXACT = new Map<string, string>(
  Object.entries({
    openai: 'openai',
    'az.ai.openai': 'azure.ai.openai',
    'azure.ai.openai': 'azure.ai.openai',
    azure: 'azure.ai.openai',
    'azure-openai': 'azure.ai.openai',
    azure_openai: 'azure.ai.openai',
    'az.ai.inference': 'azure.ai.inference',
    'azure.ai.inference': 'azure.ai.inference',
    anthropic: 'anthropic',
    'aws.bedrock': 'aws.bedrock',
    aws: 'aws.bedrock',
    bedrock: 'aws.bedrock',
    aws_bedrock: 'aws.bedrock',
    'amazon-bedrock': 'aws.bedrock',
    'gcp.gemini': 'gcp.gemini',
    gemini: 'gcp.gemini',
    google: 'gcp.gemini',
    'google.generative-ai': 'gcp.gemini',
    'gcp.vertex_ai': 'gcp.vertex_ai',
    vertex_ai: 'gcp.vertex_ai',
    vertexai: 'gcp.vertex_ai',
    vertex: 'gcp.vertex_ai',
    'gcp.gen_ai': 'gcp.gen_ai',
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
  if (lower.startsWith('google.vertex') || lower.startsWith('vertex.')) return 'gcp.vertex_ai';
  const dot = lower.indexOf('.');
  if (dot > 0) {
    const prefix = EXACT.get(lower.slice(0, dot));
    if (prefix) return prefix;
  }
  return lower;
}
