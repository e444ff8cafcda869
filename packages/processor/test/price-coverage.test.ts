/**
 * Coverage probe (issue 14): the models an AI SaaS calls in December 2026, tried the way a new user
 * would (provider + the id the SDK reports), on 2026-12-01 through the shipped book. Each row
 * states whether the book prices it; a model no source prices is expected `unknown_model`, and is
 * listed under "Not covered" in docs/pricing-data.md. Exact costs live in
 * price-current-models.cases.ts; this file only guards which ids resolve.
 */
import { PriceBook } from '@ai-margin/processor';
import { describe, expect, it } from 'vitest';

const AT = Date.parse('2026-12-01T00:00:00Z');

/** [provider, id as the SDK reports it, priced?] */
export const COVERAGE: readonly (readonly [string, string, boolean])[] = [
  // OpenAI
  ['openai', 'gpt-5.1', true],
  ['openai', 'gpt-5.1-codex-mini', true],
  ['openai', 'gpt-5.2', true],
  ['openai', 'gpt-5.3', true],
  ['openai', 'gpt-5.4', true],
  ['openai', 'gpt-5.4-mini', true],
  ['openai', 'gpt-5.4-nano', true],
  ['openai', 'gpt-5.5', true],
  ['openai', 'gpt-5.6-sol', true],
  ['openai', 'gpt-5.6-terra', true],
  ['openai', 'gpt-5.6-luna', true],
  ['openai', 'gpt-5.6-mini', false],
  ['openai', 'gpt-5.6-nano', false],
  // Anthropic
  ['anthropic', 'claude-sonnet-4-6', true],
  ['anthropic', 'claude-opus-4-6', true],
  ['anthropic', 'claude-opus-4-7', true],
  ['anthropic', 'claude-opus-4-8', true],
  ['anthropic', 'claude-sonnet-5', true],
  ['anthropic', 'claude-opus-5', true],
  // Gemini API
  ['gcp.gemini', 'gemini-3-flash-preview', true],
  ['gcp.gemini', 'gemini-3.1-pro-preview', true],
  ['gcp.gemini', 'gemini-3.1-flash-lite', true],
  ['gcp.gemini', 'gemini-3.5-flash', true],
  ['gcp.gemini', 'gemini-3.5-flash-lite', true],
  ['gcp.gemini', 'gemini-3.6-flash', true],
  // Vertex AI: Gemini and Claude
  ['gcp.vertex_ai', 'gemini-3.1-pro-preview', true],
  ['gcp.vertex_ai', 'gemini-3.6-flash', true],
  ['gcp.vertex_ai', 'claude-sonnet-4-6', true],
  ['gcp.vertex_ai', 'claude-opus-4-8', true],
  ['gcp.vertex_ai', 'claude-sonnet-5', true],
  ['gcp.vertex_ai', 'claude-haiku-4-5@20251001', true],
  // AWS Bedrock: Claude (both the ids genai-prices uses and the ones LiteLLM lists)
  ['aws.bedrock', 'us.anthropic.claude-sonnet-4-6', true],
  ['aws.bedrock', 'global.anthropic.claude-opus-4-6-v1', true],
  ['aws.bedrock', 'anthropic.claude-opus-4-7', true],
  ['aws.bedrock', 'global.anthropic.claude-opus-4-8-v1:0', true],
  ['aws.bedrock', 'eu.anthropic.claude-sonnet-5', true],
  ['aws.bedrock', 'anthropic.claude-opus-5', true],
  // AWS Bedrock: Nova, Nova 2, Llama, Mistral, OpenAI
  ['aws.bedrock', 'us.amazon.nova-pro-v1:0', true],
  ['aws.bedrock', 'amazon.nova-premier-v1:0', true],
  ['aws.bedrock', 'global.amazon.nova-2-lite-v1:0', true],
  ['aws.bedrock', 'us.amazon.nova-2-pro-preview-20251202-v1:0', true],
  ['aws.bedrock', 'us.meta.llama3-3-70b-instruct-v1:0', true],
  ['aws.bedrock', 'us.meta.llama4-maverick-17b-instruct-v1:0', true],
  ['aws.bedrock', 'mistral.mistral-large-3-675b-instruct', true],
  ['aws.bedrock', 'us.mistral.pixtral-large-2502-v1:0', true],
  ['aws.bedrock', 'openai.gpt-5.6-sol', true],
  ['aws.bedrock', 'openai.gpt-oss-120b-1:0', true],
];

describe('coverage of the models a SaaS calls in December 2026', () => {
  const book = PriceBook.shipped();
  it.each(COVERAGE.map(([p, m, priced]) => [`${p} ${m}`, p, m, priced] as const))(
    '%s',
    (_name, provider, model, priced) => {
      const hit = book.lookup(provider, model, AT);
      expect(hit.found, JSON.stringify(hit)).toBe(priced);
      if (!priced && !hit.found) expect(hit.reason).toBe('unknown_model');
    },
  );
});
