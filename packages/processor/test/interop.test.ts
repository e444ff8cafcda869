// Interop: spans as each peer emits them. The OTel contrib OpenAI instrumentation and the
// Anthropic SDK's built-in tracing run for real against a fake fetch; OpenLLMetry and the Vercel
// AI SDK (not installable here) are reproduced attribute for attribute.
import { createRequire } from 'node:module';
import { withAttribution } from '@ai-margin/instrumentation';
import { OpenAIInstrumentation } from '@opentelemetry/instrumentation-openai';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AFTER,
  type Harness,
  harness,
  pick,
  promSamples,
  TEST_PRICES,
  usd,
} from './helpers/processor';

const require = createRequire(import.meta.url);

function jsonFetch(body: unknown, headers: Record<string, string> = {}) {
  return async (_url: unknown, _init?: unknown) =>
    new Response(JSON.stringify(body), {
      status: 200,
      headers: { 'content-type': 'application/json', ...headers },
    });
}

describe('interop with peer instrumentations', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('prices spans of @opentelemetry/instrumentation-openai 0.21 (gen_ai.system, semconv 1.36)', async () => {
    h = harness();
    const instrumentation = new OpenAIInstrumentation();
    instrumentation.setTracerProvider(h.provider);
    const openaiModule = require('openai');
    const definition = instrumentation.getModuleDefinitions()[0];
    definition?.patch?.(openaiModule, '6.0.0');
    try {
      const client = new openaiModule.OpenAI({
        apiKey: 'test',
        baseURL: 'http://127.0.0.1:9/v1',
        fetch: jsonFetch({
          id: 'chatcmpl-1',
          object: 'chat.completion',
          created: 1,
          model: 'test-model-a',
          choices: [
            { index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' },
          ],
          usage: {
            prompt_tokens: 1000,
            completion_tokens: 50,
            total_tokens: 1050,
            prompt_tokens_details: { cached_tokens: 200 },
          },
        }),
      });
      await client.chat.completions.create({
        model: 'test-model-a',
        messages: [{ role: 'user', content: 'x' }],
      });
    } finally {
      definition?.unpatch?.(openaiModule, '6.0.0');
    }
    const span = h.spans.getFinishedSpans().find((s) => s.name === 'chat test-model-a');
    expect(span?.attributes['gen_ai.system']).toBe('openai');
    expect(span?.attributes['gen_ai.usage.input_tokens']).toBe(1000);
    // contrib 0.21 reports no cache counts: all 1000 input tokens are priced as uncached input.
    // Its span started now, after the test price change.
    expect(span?.attributes['gen_ai.usage.cost.amount']).toBeCloseTo(
      usd({ input: 1000, output: 50 }, TEST_PRICES.new),
      12,
    );
  });

  it("prices the Anthropic SDK's own spans (input_tokens include cache reads and writes)", async () => {
    h = harness();
    const Anthropic = require('@anthropic-ai/sdk').default ?? require('@anthropic-ai/sdk');
    const client = new Anthropic({
      apiKey: 'test',
      baseURL: 'http://127.0.0.1:9',
      fetch: jsonFetch({
        id: 'msg_1',
        type: 'message',
        role: 'assistant',
        model: 'test-claude',
        content: [{ type: 'text', text: 'hi' }],
        stop_reason: 'end_turn',
        usage: {
          input_tokens: 100,
          cache_read_input_tokens: 4000,
          cache_creation_input_tokens: 3000,
          cache_creation: { ephemeral_5m_input_tokens: 1000, ephemeral_1h_input_tokens: 2000 },
          output_tokens: 700,
          service_tier: 'standard',
        },
      }),
      openTelemetry: { tracerProvider: h.provider, propagation: false },
    });
    // The SDK's span starts inside withAttribution, so onStart stamps the attribution on it.
    await withAttribution({ customerId: 'initech', feature: 'draft' }, () =>
      client.messages.create({
        model: 'test-claude',
        max_tokens: 10,
        messages: [{ role: 'user', content: 'x' }],
      }),
    );
    await h.provider.forceFlush();
    const span = h.spans.getFinishedSpans().find((s) => s.name === 'anthropic.messages.create');
    expect(span?.attributes['gen_ai.provider.name']).toBe('anthropic');
    expect(span?.attributes['gen_ai.usage.input_tokens']).toBe(7100);
    const expected = usd(
      { input: 100, cacheRead: 4000, cacheWrite5m: 1000, cacheWrite1h: 2000, output: 700 },
      TEST_PRICES.claude,
    );
    expect(span?.attributes['gen_ai.usage.cost.amount']).toBeCloseTo(expected, 12);
    const prom = await promSamples(h.registry);
    expect(pick(prom.samples, 'ai_margin_cost_usd_total', { model: 'test-claude' })).toMatchObject({
      labels: { customer_id: 'initech', feature: 'draft', provider: 'anthropic' },
      value: expect.closeTo(expected, 12),
    });
  });

  it('reads customer and feature from configurable attribute keys', async () => {
    h = harness({ attributeKeys: { customer: ['app.tenant'], feature: ['app.feature'] } });
    h.span('chat', AFTER, {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'test-model-a',
      'gen_ai.usage.input_tokens': 10,
      'gen_ai.usage.output_tokens': 0,
      'app.tenant': 'initech',
      'app.feature': 'draft',
      'ai_margin.customer_id': 'ignored-with-custom-keys',
    });
    const prom = await promSamples(h.registry);
    expect(
      pick(prom.samples, 'ai_margin_requests_total', { customer_id: 'initech' }).labels.feature,
    ).toBe('draft');
  });

  it('prices OpenLLMetry spans and reads traceloop.association.properties.* for attribution', async () => {
    h = harness();
    const openai = h.span('openai.chat', AFTER, {
      'llm.request.type': 'chat',
      'gen_ai.system': 'OpenAI',
      'gen_ai.request.model': 'test-model-a',
      'gen_ai.response.model': 'test-model-a',
      'gen_ai.usage.prompt_tokens': 1000, // OpenAI prompt_tokens: includes the cached 200
      'gen_ai.usage.completion_tokens': 50,
      'gen_ai.usage.cache_read_input_tokens': 200,
      'llm.usage.total_tokens': 1050,
      'traceloop.association.properties.customer_id': 'acme',
      'traceloop.association.properties.feature': 'summarize',
    });
    const anthropic = h.span('anthropic.chat', AFTER, {
      'llm.request.type': 'chat',
      'gen_ai.system': 'Anthropic',
      'gen_ai.request.model': 'test-claude',
      'gen_ai.response.model': 'test-claude',
      'gen_ai.usage.prompt_tokens': 100, // Anthropic input_tokens: excludes cache
      'gen_ai.usage.completion_tokens': 700,
      'gen_ai.usage.cache_read_input_tokens': 4000,
      'gen_ai.usage.cache_creation_input_tokens': 3000,
      'traceloop.association.properties.customer_id': 'acme',
    });
    const legacy = h.span('openai.chat', AFTER, {
      'llm.request.type': 'chat',
      'gen_ai.system': 'OpenAI',
      'gen_ai.request.model': 'test-model-a',
      'llm.usage.prompt_tokens': 300,
      'llm.usage.completion_tokens': 30,
      'traceloop.association.properties.customer_id': 'globex',
    });
    expect(openai.attributes['gen_ai.usage.cost.amount']).toBeCloseTo(
      usd({ input: 800, cacheRead: 200, output: 50 }, TEST_PRICES.new),
      12,
    );
    expect(anthropic.attributes['gen_ai.usage.cost.amount']).toBeCloseTo(
      usd({ input: 100, cacheRead: 4000, cacheWrite5m: 3000, output: 700 }, TEST_PRICES.claude),
      12,
    );
    expect(legacy.attributes['gen_ai.usage.cost.amount']).toBeCloseTo(
      usd({ input: 300, output: 30 }, TEST_PRICES.new),
      12,
    );
    const prom = await promSamples(h.registry);
    expect(
      pick(prom.samples, 'ai_margin_requests_total', { customer_id: 'acme', feature: 'summarize' })
        .value,
    ).toBe(1);
    expect(pick(prom.samples, 'ai_margin_requests_total', { customer_id: 'globex' }).value).toBe(1);
  });

  it('prices Vercel AI SDK doGenerate spans once (not the wrapping ai.generateText span)', async () => {
    h = harness();
    const common = {
      'ai.model.provider': 'openai.chat',
      'ai.model.id': 'test-model-a',
      'ai.telemetry.functionId': 'support-bot',
      'ai.telemetry.metadata.customerId': 'umbrella',
    };
    const inner = h.span('ai.generateText.doGenerate', AFTER, {
      ...common,
      'operation.name': 'ai.generateText.doGenerate support-bot',
      'ai.operationId': 'ai.generateText.doGenerate',
      'ai.response.model': 'test-model-a',
      'ai.usage.inputTokens': 1000,
      'ai.usage.outputTokens': 50,
      'ai.usage.cachedInputTokens': 200,
      'gen_ai.system': 'openai.chat',
      'gen_ai.request.model': 'test-model-a',
      'gen_ai.response.model': 'test-model-a',
      'gen_ai.usage.input_tokens': 1000,
      'gen_ai.usage.output_tokens': 50,
    });
    const v4 = h.span('ai.streamText.doStream', AFTER, {
      ...common,
      'ai.operationId': 'ai.streamText.doStream',
      'ai.usage.promptTokens': 400,
      'ai.usage.completionTokens': 40,
    });
    const outer = h.span('ai.generateText', AFTER, {
      ...common,
      'operation.name': 'ai.generateText support-bot',
      'ai.operationId': 'ai.generateText',
      'ai.usage.inputTokens': 1000,
      'ai.usage.outputTokens': 50,
    });
    expect(inner.attributes['gen_ai.usage.cost.amount']).toBeCloseTo(
      usd({ input: 800, cacheRead: 200, output: 50 }, TEST_PRICES.new),
      12,
    );
    expect(v4.attributes['gen_ai.usage.cost.amount']).toBeCloseTo(
      usd({ input: 400, output: 40 }, TEST_PRICES.new),
      12,
    );
    expect(outer.attributes['gen_ai.usage.cost.amount']).toBeUndefined();
    const prom = await promSamples(h.registry);
    expect(
      pick(prom.samples, 'ai_margin_requests_total', { customer_id: 'umbrella' }),
    ).toMatchObject({
      labels: { feature: 'support-bot', provider: 'openai', model: 'test-model-a' },
      value: 2,
    });
  });

  it('maps provider spellings (az.ai.openai, azure.ai.openai) to the price book', async () => {
    h = harness();
    for (const system of ['az.ai.openai', 'azure.ai.openai']) {
      const s = h.span('chat', AFTER, {
        'gen_ai.operation.name': 'chat',
        'gen_ai.system': system,
        'gen_ai.request.model': 'test-model-a',
        'gen_ai.usage.input_tokens': 100,
        'gen_ai.usage.output_tokens': 10,
      });
      expect(s.attributes['gen_ai.usage.cost.amount']).toBeCloseTo(
        usd({ input: 100, output: 10 }, TEST_PRICES.new),
        12,
      );
    }
    const prom = await promSamples(h.registry);
    expect(
      pick(prom.samples, 'ai_margin_requests_total', { provider: 'azure.ai.openai' }).value,
    ).toBe(2);
  });

  it('ignores agent/tool spans and operation-less spans without usage', async () => {
    h = harness();
    h.span('invoke_agent', AFTER, {
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'test-model-a',
      'gen_ai.usage.input_tokens': 1000,
      'gen_ai.usage.output_tokens': 1000,
    });
    h.span('anthropic.messages.count_tokens', AFTER, {
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.request.model': 'test-claude',
    });
    const prom = await promSamples(h.registry);
    expect(prom.samples.some((s) => s.name === 'ai_margin_requests_total')).toBe(false);
  });
});
