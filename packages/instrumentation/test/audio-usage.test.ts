/**
 * Audio token counts are mapped from each provider's usage details (OpenAI chat and Responses,
 * Gemini modality details) and written on the span only when non-zero: the processor prices
 * them at the audio prices (unpriced where a period has none), never as text.
 */
import { ATTR_AI_MARGIN_USAGE_AUDIO_INPUT_TOKENS } from '@ai-margin/conventions';
import type { Span } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { setUsageAttributes } from '../src/common/usage';
import { geminiUsage } from '../src/google-genai/usage';
import { chatUsage, responsesUsage } from '../src/openai/usage';

describe('audio token counts', () => {
  it('OpenAI chat and Responses: prompt/completion audio_tokens', () => {
    expect(
      chatUsage({
        prompt_tokens: 500,
        completion_tokens: 80,
        prompt_tokens_details: { cached_tokens: 0, audio_tokens: 320 },
        completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 60 },
      }),
    ).toMatchObject({ inputTokens: 500, audioInputTokens: 320, audioOutputTokens: 60 });
    expect(
      responsesUsage({
        input_tokens: 100,
        output_tokens: 10,
        input_tokens_details: { audio_tokens: 40 },
      }),
    ).toMatchObject({ audioInputTokens: 40, audioOutputTokens: undefined });
  });

  it('Gemini: the AUDIO entries of the modality details, summed', () => {
    expect(
      geminiUsage({
        promptTokenCount: 1000,
        candidatesTokenCount: 50,
        promptTokensDetails: [
          { modality: 'TEXT', tokenCount: 200 },
          { modality: 'AUDIO', tokenCount: 700 },
          { modality: 'IMAGE', tokenCount: 100 },
        ],
        candidatesTokensDetails: [{ modality: 'TEXT', tokenCount: 50 }],
      }),
    ).toEqual({ inputTokens: 1000, outputTokens: 50, audioInputTokens: 700 });
  });

  it('writes only a non-zero count on the span', () => {
    const attrs: Record<string, unknown> = {};
    const span = { setAttribute: (k: string, v: unknown) => (attrs[k] = v) } as unknown as Span;
    setUsageAttributes(span, { inputTokens: 10, outputTokens: 1, audioInputTokens: 0 });
    expect(attrs[ATTR_AI_MARGIN_USAGE_AUDIO_INPUT_TOKENS]).toBeUndefined();
    setUsageAttributes(span, { inputTokens: 10, outputTokens: 1, audioInputTokens: 7 });
    expect(attrs[ATTR_AI_MARGIN_USAGE_AUDIO_INPUT_TOKENS]).toBe(7);
  });
});
