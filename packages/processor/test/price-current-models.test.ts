/**
 * Current (2026) models at dates before and after their announced changes, long-context cliffs,
 * cache buckets, batch and Bedrock regional uplift, through the public priceCall / PriceBook API
 * (the CLI `ai-margin prices cost` on the same models: packages/cli/test/prices-current-models.test.ts). Expected costs are hand-written arithmetic on the dataset's
 * literal prices (see price-current-models.cases.ts); nothing is read from the book under test.
 */
import { readFileSync } from 'node:fs';
import { PriceBook, type ProviderPriceFile, priceCall } from '@ai-margin/processor';
import { describe, expect, it } from 'vitest';
import {
  anthropicCases,
  bedrockCases,
  type CurrentCase,
  googleCases,
  litellmCases,
  openaiCases,
} from './price-current-models.cases';

const book = PriceBook.shipped();

function run(c: CurrentCase): void {
  const result = priceCall(book, {
    provider: c.provider,
    model: c.model,
    at: c.at,
    usage: c.usage,
    ...(c.serviceTier ? { serviceTier: c.serviceTier } : {}),
    ...(c.toolCalls ? { toolCalls: c.toolCalls } : {}),
  });
  if (typeof c.expected !== 'number') {
    expect(result.priced, JSON.stringify(result)).toBe(false);
    if (result.priced) return;
    expect(result.reason).toBe(c.expected.unpriced);
    return;
  }
  expect(result.priced, JSON.stringify(result)).toBe(true);
  if (!result.priced) return;
  expect(Math.abs(result.costUsd - c.expected), `${result.costUsd} vs ${c.expected}`).toBeLessThan(
    1e-9,
  );
  if (c.resolved !== undefined) expect(result.resolvedModel).toBe(c.resolved);
  if (c.from !== undefined) expect(result.period.effectiveFrom).toBe(`${c.from}T00:00:00.000Z`);
  expect(result.tierAboveInputTokens).toBe(c.tier);
  expect(result.serviceTier).toBe(c.serviceTier ?? 'standard');
}

describe('current models: OpenAI', () => {
  it.each(openaiCases.map((c) => [c.name, c] as const))('%s', (_n, c) => run(c));
});
describe('current models: Anthropic', () => {
  it.each(anthropicCases.map((c) => [c.name, c] as const))('%s', (_n, c) => run(c));
});
describe('current models: Google Gemini', () => {
  it.each(googleCases.map((c) => [c.name, c] as const))('%s', (_n, c) => run(c));
});
describe('current models: AWS Bedrock', () => {
  it.each(bedrockCases.map((c) => [c.name, c] as const))('%s', (_n, c) => run(c));
});

describe('current models taken from LiteLLM (Claude on Vertex, Nova 2 Pro, extra ids)', () => {
  it.each(litellmCases.map((c) => [c.name, c] as const))('%s', (_n, c) => run(c));
});

describe('current models: the 2025 "unknown_model" examples are priced now', () => {
  it.each([
    ['openai', 'gpt-5.2'],
    ['openai', 'gpt-5.6-terra'],
    ['anthropic', 'claude-sonnet-5'],
    ['gcp.gemini', 'gemini-3.6-flash'],
    ['aws.bedrock', 'global.anthropic.claude-opus-4-8-v1:0'],
    ['aws.bedrock', 'amazon.nova-2-lite-v1:0'],
  ])('%s %s on 2026-12-01', (provider, model) => {
    const hit = book.lookup(provider, model, Date.parse('2026-12-01T00:00:00Z'));
    expect(hit.found, JSON.stringify(hit)).toBe(true);
  });

  it('keeps retiredOn on a retired model, with its history (informational)', () => {
    const google = JSON.parse(
      readFileSync(new URL('../src/prices/data/google.json', import.meta.url), 'utf8'),
    ) as ProviderPriceFile;
    const m = google.models.find((x) => x.id === 'gemini-2.5-flash-preview-04-17');
    expect(m?.retiredOn).toBe('2025-07-15');
    expect(m?.note).toMatch(/Retired on 2025-07-15/);
    expect(m?.periods.length).toBeGreaterThan(0);
  });
});
