import { METRICS, OVERFLOW_CUSTOMER, UNATTRIBUTED } from '@ai-margin/conventions';
import { setAttribution, withAttribution } from '@ai-margin/instrumentation';
import { MarginSpanProcessor } from '@ai-margin/processor';
import { context, DiagLogLevel, diag, metrics, ROOT_CONTEXT } from '@opentelemetry/api';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AFTER,
  BEFORE,
  type Harness,
  harness,
  otelSamples,
  PRICE_CHANGE,
  pick,
  promSamples,
  TEST_PRICES,
  testBook,
  usd,
} from './helpers/processor';

const chat = (
  model: string,
  usage: Record<string, number>,
  extra: Record<string, string> = {},
) => ({
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'openai',
  'gen_ai.request.model': model,
  ...usage,
  ...extra,
});

describe('MarginSpanProcessor: exact costs on both sides of a price change', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });

  it('prices at the span start time and exports identical values on the span, OTel and prom-client', async () => {
    h = harness();
    expect(BEFORE).toBeLessThan(PRICE_CHANGE);
    expect(AFTER).toBeGreaterThan(PRICE_CHANGE);
    const usageA = {
      'gen_ai.usage.input_tokens': 1000, // semconv: includes the 200 cache reads
      'gen_ai.usage.cache_read.input_tokens': 200,
      'gen_ai.usage.output_tokens': 500,
    };
    // Independent expectations: uncached input 800, cache read 200, output 500.
    const costBefore = usd({ input: 800, cacheRead: 200, output: 500 }, TEST_PRICES.old);
    const costAfter = usd({ input: 800, cacheRead: 200, output: 500 }, TEST_PRICES.new);
    expect(costBefore).toBeCloseTo(0.0057, 12);
    expect(costAfter).toBeCloseTo(0.00285, 12);

    const a = withAttribution({ customerId: 'acme', feature: 'chat' }, () =>
      h.span('chat test-model-a', BEFORE, chat('test-model-a', usageA)),
    );
    const b = withAttribution({ customerId: 'acme', feature: 'chat' }, () =>
      h.span('chat test-model-a', AFTER, chat('test-model-a', usageA)),
    );
    // The span starts before the change and ends after it: the start time decides.
    const straddle = withAttribution({ customerId: 'acme', feature: 'chat' }, () =>
      h.span('chat test-model-a', PRICE_CHANGE - 500, chat('test-model-a', usageA)),
    );
    const c = withAttribution({ customerId: 'globex', feature: 'search' }, () =>
      h.span(
        'chat test-model-a',
        AFTER,
        chat('test-model-a', {
          'gen_ai.usage.input_tokens': 3000,
          'gen_ai.usage.output_tokens': 100,
        }),
      ),
    );
    const costC = usd({ input: 3000, output: 100 }, TEST_PRICES.new);

    expect(a.attributes['gen_ai.usage.cost.amount']).toBeCloseTo(costBefore, 12);
    expect(a.attributes['gen_ai.usage.cost.currency']).toBe('USD');
    expect(a.attributes['gen_ai.usage.cost.source']).toBe('local');
    expect(a.attributes['ai_margin.price.model']).toBe('test-model-a');
    expect(String(a.attributes['ai_margin.price.period'])).toContain('2025-01-01');
    expect(b.attributes['gen_ai.usage.cost.amount']).toBeCloseTo(costAfter, 12);
    expect(String(b.attributes['ai_margin.price.period'])).toContain('2025-06-01');
    expect(straddle.attributes['gen_ai.usage.cost.amount']).toBeCloseTo(costBefore, 12);
    expect(c.attributes['gen_ai.usage.cost.amount']).toBeCloseTo(costC, 12);
    expect(a.attributes['ai_margin.customer_id']).toBe('acme');
    expect(a.attributes['ai_margin.feature']).toBe('chat');
    expect(a.attributes['ai_margin.unpriced.reason']).toBeUndefined();

    const acmeCost = 2 * costBefore + costAfter;
    const costLabels = (customer: string, feature: string) => ({
      customer_id: customer,
      feature,
      provider: 'openai',
      model: 'test-model-a',
      cost_type: 'llm',
    });

    const prom = await promSamples(h.registry);
    expect(prom.types.get('ai_margin_cost_usd_total')).toBe('counter');
    expect(prom.types.get('ai_margin_customer_info')).toBe('gauge');
    expect(
      pick(prom.samples, 'ai_margin_cost_usd_total', costLabels('acme', 'chat')).value,
    ).toBeCloseTo(acmeCost, 12);
    expect(
      pick(prom.samples, 'ai_margin_cost_usd_total', costLabels('globex', 'search')).value,
    ).toBeCloseTo(costC, 12);
    const tokens = (customer: string, token_type: string) =>
      pick(prom.samples, 'ai_margin_tokens_total', { customer_id: customer, token_type }).value;
    expect(tokens('acme', 'input')).toBe(2400);
    expect(tokens('acme', 'cache_read')).toBe(600);
    expect(tokens('acme', 'output')).toBe(1500);
    expect(tokens('globex', 'input')).toBe(3000);
    expect(
      prom.samples.some(
        (s) => s.name === 'ai_margin_tokens_total' && s.labels.token_type === 'reasoning',
      ),
    ).toBe(false);
    expect(
      pick(prom.samples, 'ai_margin_requests_total', { customer_id: 'acme', priced: 'true' }).value,
    ).toBe(3);
    expect(
      pick(prom.samples, 'ai_margin_requests_total', { customer_id: 'globex', priced: 'true' })
        .value,
    ).toBe(1);

    const otel = await otelSamples(h);
    expect(pick(otel, METRICS.cost.otelName, costLabels('acme', 'chat')).value).toBeCloseTo(
      acmeCost,
      12,
    );
    expect(pick(otel, METRICS.cost.otelName, costLabels('globex', 'search')).value).toBeCloseTo(
      costC,
      12,
    );
    expect(
      pick(otel, METRICS.tokens.otelName, { customer_id: 'acme', token_type: 'cache_read' }).value,
    ).toBe(600);
    expect(
      pick(otel, METRICS.requests.otelName, { customer_id: 'acme', priced: 'true' }).value,
    ).toBe(3);

    // Same label names on both paths, same values for every cost series.
    const promCost = prom.samples.filter((s) => s.name === METRICS.cost.promName);
    const otelCost = otel.filter((s) => s.name === METRICS.cost.otelName);
    expect(otelCost.length).toBe(promCost.length);
    for (const p of promCost) {
      expect(Object.keys(p.labels).sort()).toEqual([...METRICS.cost.labels].sort());
      expect(pick(otelCost, METRICS.cost.otelName, p.labels).value).toBeCloseTo(p.value, 12);
    }
  });

  it('prices OpenAI 30-minute cache writes and web searches; refuses writes it cannot price', async () => {
    h = harness();
    // openai 7 spans: input 10,000 includes 3,000 cache writes (2,000 kept 30 min, 1,000 12 h).
    const retention = (usage: Record<string, number>) =>
      h.span('chat', AFTER, {
        ...chat('test-retention', { 'gen_ai.usage.input_tokens': 10_000, ...usage }),
        'gen_ai.usage.output_tokens': 500,
      });
    const priced = retention({
      'gen_ai.usage.cache_creation.input_tokens': 2_000,
      'ai_margin.usage.cache_write_30m.input_tokens': 2_000,
      'ai_margin.usage.server_tool.web_search.calls': 4,
    });
    // By hand: 8,000 × 2 + 2,000 × 2.5 + 500 × 8 per 1M, plus 4 searches × $10 / 1,000.
    expect(priced.attributes['gen_ai.usage.cost.amount']).toBeCloseTo(
      (8_000 * 2 + 2_000 * 2.5 + 500 * 8) / 1e6 + 0.04,
      12,
    );
    const twelveHours = retention({
      'gen_ai.usage.cache_creation.input_tokens': 3_000,
      'ai_margin.usage.cache_write_30m.input_tokens': 2_000,
      'ai_margin.usage.cache_write_12h.input_tokens': 1_000,
    });
    expect(twelveHours.attributes['gen_ai.usage.cost.amount']).toBeUndefined();
    expect(twelveHours.attributes['ai_margin.unpriced.reason']).toBe('no_period');
    // A total without its retention split (chat completions): not priced as input.
    const noSplit = retention({ 'gen_ai.usage.cache_creation.input_tokens': 3_000 });
    expect(noSplit.attributes['ai_margin.unpriced.reason']).toBe('missing_usage_detail');
    // A tool the period has no fee for: unpriced, not priced without the fee.
    const codeRun = retention({ 'ai_margin.usage.server_tool.code_execution.calls': 1 });
    expect(codeRun.attributes['ai_margin.unpriced.reason']).toBe('no_period');
    const prom = await promSamples(h.registry);
    expect(
      pick(prom.samples, 'ai_margin_tokens_total', {
        model: 'test-retention',
        token_type: 'cache_write_30m',
      }).value,
    ).toBe(2_000 + 2_000);
    expect(
      pick(prom.samples, 'ai_margin_unpriced_requests_total', {
        model: 'test-retention',
        reason: 'missing_usage_detail',
      }).value,
    ).toBe(1);
  });

  it('applies service tiers, reasoning and Anthropic 1h cache writes exactly', async () => {
    h = harness();
    const flex = h.span(
      'chat',
      AFTER,
      chat(
        'test-model-a',
        {
          'gen_ai.usage.input_tokens': 10_000,
          'gen_ai.usage.output_tokens': 2_000,
          'gen_ai.usage.reasoning.output_tokens': 1_500,
        },
        { 'openai.response.service_tier': 'flex' },
      ),
    );
    // Reasoning billed at the output price when not priced apart: output total 2000.
    expect(flex.attributes['gen_ai.usage.cost.amount']).toBeCloseTo(
      0.5 * usd({ input: 10_000, output: 2_000 }, TEST_PRICES.new),
      12,
    );
    const claude = h.span('anthropic.messages.create', AFTER, {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.request.model': 'test-claude',
      'gen_ai.response.model': 'test-claude',
      // Anthropic SDK spans: input_tokens = input + cache read + cache creation.
      'gen_ai.usage.input_tokens': 100 + 4_000 + 3_000,
      'gen_ai.usage.cache_read.input_tokens': 4_000,
      'gen_ai.usage.cache_write.input_tokens': 3_000,
      'anthropic.usage.cache_creation.ephemeral_5m_input_tokens': 1_000,
      'anthropic.usage.cache_creation.ephemeral_1h_input_tokens': 2_000,
      'gen_ai.usage.output_tokens': 700,
    });
    expect(claude.attributes['gen_ai.usage.cost.amount']).toBeCloseTo(
      usd(
        { input: 100, cacheRead: 4_000, cacheWrite5m: 1_000, cacheWrite1h: 2_000, output: 700 },
        TEST_PRICES.claude,
      ),
      12,
    );
    const prom = await promSamples(h.registry);
    expect(
      pick(prom.samples, 'ai_margin_tokens_total', {
        model: 'test-claude',
        token_type: 'cache_write_1h',
      }).value,
    ).toBe(2_000);
    expect(
      pick(prom.samples, 'ai_margin_tokens_total', {
        model: 'test-model-a',
        token_type: 'reasoning',
      }).value,
    ).toBe(1_500);
    expect(
      pick(prom.samples, 'ai_margin_tokens_total', { model: 'test-model-a', token_type: 'output' })
        .value,
    ).toBe(500);
  });

  it('counts unknown models and missing usage as unpriced, never as $0', async () => {
    h = harness();
    const unknown = h.span(
      'chat',
      AFTER,
      chat('no-such-model', {
        'gen_ai.usage.input_tokens': 10,
        'gen_ai.usage.output_tokens': 5,
      }),
    );
    const missing = h.span('chat', AFTER, chat('test-model-a', {}));
    expect(unknown.attributes['gen_ai.usage.cost.amount']).toBeUndefined();
    expect(unknown.attributes['ai_margin.unpriced.reason']).toBe('unknown_model');
    expect(missing.attributes['ai_margin.unpriced.reason']).toBe('missing_usage');
    const prom = await promSamples(h.registry);
    expect(
      pick(prom.samples, 'ai_margin_unpriced_requests_total', {
        model: 'no-such-model',
        reason: 'unknown_model',
      }).value,
    ).toBe(1);
    expect(
      pick(prom.samples, 'ai_margin_unpriced_requests_total', {
        model: 'test-model-a',
        reason: 'missing_usage',
      }).value,
    ).toBe(1);
    expect(
      pick(prom.samples, 'ai_margin_requests_total', { model: 'no-such-model', priced: 'false' })
        .value,
    ).toBe(1);
    expect(prom.samples.some((s) => s.name === 'ai_margin_cost_usd_total')).toBe(false);
    // Tokens of an unpriced call are still counted.
    expect(
      pick(prom.samples, 'ai_margin_tokens_total', { model: 'no-such-model', token_type: 'input' })
        .value,
    ).toBe(10);
    expect(
      pick(prom.samples, 'ai_margin_requests_total', { model: 'no-such-model', priced: 'false' })
        .labels.customer_id,
    ).toBe(UNATTRIBUTED);
  });

  it('keeps a cost attribute set by someone else, and uses it when it cannot price', async () => {
    h = harness();
    const own = h.span(
      'chat',
      AFTER,
      chat(
        'test-model-a',
        {
          'gen_ai.usage.input_tokens': 1000,
          'gen_ai.usage.output_tokens': 0,
        },
        {},
      ),
    );
    const external = h.span('chat', AFTER, {
      ...chat('gateway-model', { 'gen_ai.usage.input_tokens': 1, 'gen_ai.usage.output_tokens': 1 }),
      'gen_ai.usage.cost.amount': 0.25,
      'gen_ai.usage.cost.source': 'provider',
    });
    expect(own.attributes['gen_ai.usage.cost.amount']).toBeCloseTo(0.001, 12);
    expect(external.attributes['gen_ai.usage.cost.amount']).toBe(0.25);
    expect(external.attributes['gen_ai.usage.cost.source']).toBe('provider');
    const prom = await promSamples(h.registry);
    expect(pick(prom.samples, 'ai_margin_cost_usd_total', { model: 'gateway-model' }).value).toBe(
      0.25,
    );
  });

  it('stamps attribution in onStart only where the span has none, merges nesting, and adds extra keys', async () => {
    h = harness();
    const tracer = h.provider.getTracer('t');
    withAttribution({ customerId: 'acme', feature: 'outer', plan: 'pro' }, () => {
      withAttribution({ feature: 'inner' }, () => {
        tracer.startSpan('child').end();
        tracer.startSpan('explicit', { attributes: { 'ai_margin.customer_id': 'override' } }).end();
      });
    });
    const [child, explicit] = h.spans.getFinishedSpans();
    expect(child?.attributes['ai_margin.customer_id']).toBe('acme');
    expect(child?.attributes['ai_margin.feature']).toBe('inner');
    expect(child?.attributes['ai_margin.attr.plan']).toBe('pro');
    expect(explicit?.attributes['ai_margin.customer_id']).toBe('override');
    expect(context.active()).toBeDefined();
  });

  it('falls back to onEnd when the SDK has no onEnding: aggregates, no span attributes', async () => {
    h = harness();
    const p = h.processor;
    // Drive the processor the way an SDK without onEnding would.
    const span = {
      name: 'chat',
      startTime: [Math.floor(AFTER / 1000), 0] as [number, number],
      attributes: chat(
        'test-model-a',
        { 'gen_ai.usage.input_tokens': 2_000, 'gen_ai.usage.output_tokens': 0 },
        {
          'ai_margin.customer_id': 'legacy',
        },
      ),
    };
    // biome-ignore lint/suspicious/noExplicitAny: a structural stand-in for a ReadableSpan
    p.onEnd(span as any);
    const prom = await promSamples(h.registry);
    expect(
      pick(prom.samples, 'ai_margin_cost_usd_total', { customer_id: 'legacy' }).value,
    ).toBeCloseTo(usd({ input: 2_000 }, TEST_PRICES.new), 12);
  });

  it('counts internal errors by kind, logs each kind once through diag, never throws', async () => {
    h = harness();
    const errors: unknown[][] = [];
    diag.setLogger(
      {
        error: (...args: unknown[]) => errors.push(args),
        warn: () => {},
        info: () => {},
        debug: () => {},
        verbose: () => {},
      },
      DiagLogLevel.ERROR,
    );
    try {
      const hostile = {
        name: 'x',
        get attributes(): never {
          throw new Error('hostile span');
        },
      };
      // biome-ignore lint/suspicious/noExplicitAny: a span whose attributes throw
      const s = hostile as any;
      const withCustomer = setAttribution(ROOT_CONTEXT, { customerId: 'acme' });
      for (let i = 0; i < 3; i++) {
        expect(() => h.processor.onStart(s, withCustomer)).not.toThrow();
        expect(() => h.processor.onEnding(s)).not.toThrow();
      }
    } finally {
      diag.disable();
    }
    expect(errors.filter((e) => String(e[0]).includes('on_start'))).toHaveLength(1);
    expect(errors.filter((e) => String(e[0]).includes('on_ending'))).toHaveLength(1);
    const prom = await promSamples(h.registry);
    expect(pick(prom.samples, 'ai_margin_processor_errors_total', { kind: 'on_start' }).value).toBe(
      3,
    );
    expect(
      pick(prom.samples, 'ai_margin_processor_errors_total', { kind: 'on_ending' }).value,
    ).toBe(3);
    const otel = await otelSamples(h);
    expect(pick(otel, METRICS.processorErrors.otelName, { kind: 'on_ending' }).value).toBe(3);
  });

  it('forceFlush resolves, shutdown resolves and later spans are ignored', async () => {
    h = harness();
    await expect(h.processor.forceFlush()).resolves.toBeUndefined();
    await expect(h.processor.shutdown()).resolves.toBeUndefined();
    await expect(h.processor.shutdown()).resolves.toBeUndefined();
    const s = h.span(
      'chat',
      AFTER,
      chat('test-model-a', { 'gen_ai.usage.input_tokens': 5, 'gen_ai.usage.output_tokens': 5 }),
    );
    expect(s.attributes['gen_ai.usage.cost.amount']).toBeUndefined();
    const prom = await promSamples(h.registry);
    expect(prom.samples.some((x) => x.name === 'ai_margin_requests_total')).toBe(false);
  });

  it('binds to the global MeterProvider registered after construction (NodeSDK order)', async () => {
    metrics.disable();
    const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
    const processor = new MarginSpanProcessor({ prices: testBook() });
    const mp = new MeterProvider({ readers: [reader] });
    metrics.setGlobalMeterProvider(mp);
    try {
      const provider = new TracerProvider({ spanProcessors: [processor] });
      const s = provider.getTracer('t').startSpan('chat', {
        startTime: new Date(AFTER),
        attributes: chat('test-model-a', {
          'gen_ai.usage.input_tokens': 1_000_000,
          'gen_ai.usage.output_tokens': 0,
        }),
      });
      s.end();
      await reader.forceFlush();
      const batches = exporter.getMetrics();
      const cost = batches
        .at(-1)
        ?.scopeMetrics.flatMap((sm) => sm.metrics)
        .find((m) => m.descriptor.name === METRICS.cost.otelName);
      expect(cost?.dataPoints[0]?.value).toBeCloseTo(TEST_PRICES.new.input, 12);
      expect(OVERFLOW_CUSTOMER).toBe('__overflow__');
      await provider.shutdown();
    } finally {
      await mp.shutdown();
      metrics.disable();
    }
  });
});
