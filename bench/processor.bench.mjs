#!/usr/bin/env node
// Span-path overhead of the MarginSpanProcessor, side by side in one run (built dist/):
//   (a) baseline: BasicTracerProvider + BatchSpanProcessor with a no-op exporter
//   (b) the same + MarginSpanProcessor (in-process aggregates read by observable instruments)
//   (c) the same + a naive processor that calls Counter.add three times per span
// Each span is a realistic GenAI client span (attributes at start, usage at the end, 100
// customers via the active context). Rounds alternate the variants; the median is reported.
import { loadavg } from 'node:os';
import { setAttribution } from '@ai-margin/instrumentation/attribution';
import { MarginSpanProcessor, PriceBook } from '@ai-margin/processor';
import { context, SpanKind } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Registry } from 'prom-client';

const SPANS_PER_ROUND = Number(process.env.BENCH_SPANS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const WARMUP_SPANS = 50_000;
const CHUNK = 500; // spans between event-loop turns, so the BatchSpanProcessor can export
const TARGET = 1.15;

const contextManager = new AsyncLocalStorageContextManager().enable();
context.setGlobalContextManager(contextManager);

const noopSpanExporter = {
  export(_spans, done) {
    done({ code: 0 });
  },
  shutdown: () => Promise.resolve(),
  forceFlush: () => Promise.resolve(),
};
const noopMetricExporter = {
  export(_metrics, done) {
    done({ code: 0 });
  },
  shutdown: () => Promise.resolve(),
  forceFlush: () => Promise.resolve(),
};

function meterProvider() {
  return new MeterProvider({
    readers: [
      new PeriodicExportingMetricReader({
        exporter: noopMetricExporter,
        exportIntervalMillis: 3_600_000,
      }),
    ],
  });
}

/** Prices per 1M tokens of the bench model (the shipped book changes over time; this does not). */
const BENCH_BOOK = PriceBook.load({
  includeShipped: false,
  userFiles: [
    {
      name: 'bench-prices.json',
      data: {
        providers: [
          {
            provider: 'openai',
            currency: 'USD',
            models: [
              {
                id: 'bench-model',
                periods: [
                  {
                    effectiveFrom: '2024-01-01',
                    prices: { input: 2.5, output: 10, cacheRead: 1.25 },
                    source: 'bench',
                  },
                ],
              },
            ],
          },
        ],
      },
    },
  ],
});

/** Calls Counter.add per span: what a straightforward implementation would do. */
class NaiveCounterProcessor {
  constructor(mp) {
    const meter = mp.getMeter('naive');
    this.cost = meter.createCounter('naive.cost.usd', { unit: '{USD}' });
    this.tokens = meter.createCounter('naive.tokens', { unit: '{token}' });
    this.requests = meter.createCounter('naive.requests', { unit: '{request}' });
  }
  onStart() {}
  onEnd(span) {
    const a = span.attributes;
    if (a['gen_ai.provider.name'] === undefined) return;
    const input = a['gen_ai.usage.input_tokens'] ?? 0;
    const output = a['gen_ai.usage.output_tokens'] ?? 0;
    const labels = {
      customer_id: a['ai_margin.customer_id'] ?? 'unattributed',
      feature: a['ai_margin.feature'] ?? 'unattributed',
      provider: a['gen_ai.provider.name'],
      model: a['gen_ai.response.model'] ?? a['gen_ai.request.model'],
    };
    this.cost.add((input * 2.5 + output * 10) / 1e6, labels);
    this.tokens.add(input + output, labels);
    this.requests.add(1, labels);
  }
  forceFlush() {
    return Promise.resolve();
  }
  shutdown() {
    return Promise.resolve();
  }
}

const CUSTOMERS = Array.from({ length: 100 }, (_, i) =>
  setAttribution(context.active(), {
    customerId: `customer-${i}`,
    feature: i % 3 ? 'chat' : 'search',
  }),
);

function makeVariant(name, extraProcessors, cleanup) {
  const provider = new BasicTracerProvider({
    spanProcessors: [
      ...extraProcessors,
      new BatchSpanProcessor(noopSpanExporter, { maxQueueSize: 4096, maxExportBatchSize: 512 }),
    ],
  });
  return { name, tracer: provider.getTracer('bench'), provider, cleanup };
}

function oneSpan(tracer, i) {
  const span = tracer.startSpan('chat bench-model', {
    kind: SpanKind.CLIENT,
    attributes: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'bench-model',
      'server.address': 'api.openai.com',
      'server.port': 443,
    },
  });
  span.setAttributes({
    'gen_ai.response.id': 'chatcmpl-123',
    'gen_ai.response.model': 'bench-model',
    'gen_ai.response.finish_reasons': ['stop'],
    'gen_ai.usage.input_tokens': 1000 + (i & 255),
    'gen_ai.usage.cache_read.input_tokens': 256,
    'gen_ai.usage.output_tokens': 200 + (i & 63),
  });
  span.end();
}

/**
 * Runs `spans` spans through every variant, interleaved chunk by chunk (rotating the order), so
 * load from other processes on the machine hits all variants alike. Returns ns/span per variant.
 */
async function measure(variants, spans) {
  const elapsed = variants.map(() => 0n);
  for (let done = 0, chunk = 0; done < spans; done += CHUNK, chunk++) {
    const n = Math.min(CHUNK, spans - done);
    const ctx = CUSTOMERS[chunk % CUSTOMERS.length];
    for (let j = 0; j < variants.length; j++) {
      const k = (chunk + j) % variants.length;
      const tracer = variants[k].tracer;
      const t0 = process.hrtime.bigint();
      context.with(ctx, () => {
        for (let i = 0; i < n; i++) oneSpan(tracer, done + i);
      });
      elapsed[k] += process.hrtime.bigint() - t0;
    }
    // Let the BatchSpanProcessors export (outside the timed sections).
    await new Promise((r) => setImmediate(r));
  }
  return elapsed.map((e) => Number(e) / spans);
}

const mpB = meterProvider();
const mpC = meterProvider();
const registry = new Registry();
const margin = new MarginSpanProcessor({ prices: BENCH_BOOK, meterProvider: mpB, registry });
const variants = [
  makeVariant('(a) baseline: BatchSpanProcessor + no-op exporter', []),
  makeVariant('(b) + MarginSpanProcessor', [margin]),
  makeVariant('(c) + naive processor, 3x Counter.add per span', [new NaiveCounterProcessor(mpC)]),
];

const only = process.env.BENCH_ONLY; // e.g. "b": profile one variant
if (only)
  variants.splice(0, variants.length, ...variants.filter((v) => v.name.startsWith(`(${only})`)));
await measure(variants, WARMUP_SPANS);
const results = variants.map(() => []);
const ratios = variants.map(() => []);
for (let round = 0; round < ROUNDS; round++) {
  globalThis.gc?.();
  const ns = await measure(variants, SPANS_PER_ROUND);
  ns.forEach((x, k) => {
    results[k].push(x);
    ratios[k].push(x / ns[0]);
  });
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const med = results.map(median);
const medRatio = ratios.map(median);

process.stdout.write(
  `Node ${process.version}; ${ROUNDS} rounds x ${SPANS_PER_ROUND} spans per variant (after ${WARMUP_SPANS} warm-up), variants interleaved per ${CHUNK}-span chunk; median ns/span and median per-round ratio; load average ${loadavg()[0].toFixed(1)}\n\n`,
);
const rows = variants.map((v, k) => [
  v.name,
  med[k].toFixed(0),
  `${medRatio[k].toFixed(2)}x`,
  `${Math.min(...results[k]).toFixed(0)}-${Math.max(...results[k]).toFixed(0)}`,
]);
const header = ['variant', 'ns/span', 'vs (a)', 'ns/span range'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (r) =>
  r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
process.stdout.write(`${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n`);
for (const r of rows) process.stdout.write(`${line(r)}\n`);
if (!only) {
  const ratio = medRatio[1];
  process.stdout.write(
    `\nMarginSpanProcessor: ${ratio.toFixed(2)}x baseline (target <= ${TARGET}x): ${ratio <= TARGET ? 'OK' : 'ABOVE TARGET'}; naive Counter.add: ${medRatio[2].toFixed(2)}x\n`,
  );
}

// Sanity: the processor really priced every span it saw (no silent no-op).
const text = await registry.getSingleMetricAsString('ai_margin_requests_total');
let priced = 0;
for (const m of text.matchAll(/priced="true"\} (\d+)/g)) priced += Number(m[1]);
const expected = variants.some((v) => v.name.startsWith('(b)'))
  ? WARMUP_SPANS + ROUNDS * SPANS_PER_ROUND
  : 0;
process.stdout.write(`priced requests counted by (b): ${priced} of ${expected}\n`);
await Promise.all(variants.map((v) => v.provider.shutdown()));
await mpB.shutdown();
await mpC.shutdown();
if (priced !== expected) process.exitCode = 1;
