#!/usr/bin/env node
// Span-path overhead of the MarginSpanProcessor, side by side in one run (built dist/):
//   (a) baseline: TracerProvider + BatchSpanProcessor with a no-op exporter
//   (b) the same + MarginSpanProcessor (in-process aggregates read by observable instruments)
//   (c) the same + a naive processor that calls Counter.add three times per span
//   (d) the same + a processor that only writes the attributes (b) writes (2 at start, 5 at the
//       end, constant values, SDK setAttribute): the floor of any processor that stamps
//       attribution and cost on the span, before it reads or prices anything
// Each span is the same realistic GenAI client span in every variant (attributes at start, usage
// at the end, 100 customers via the active context). Variants are interleaved in chunks of 500
// spans (rotating the order) so load from other processes hits all alike; each round yields one
// ns/span per variant and one ratio to (a) per variant. Reported: the median over rounds.
// Env: BENCH_SPANS (per round, default 100000), BENCH_ROUNDS (default 9), BENCH_CLOCK=cpu|wall
// (default cpu: process CPU time, which time slices lost to other processes do not inflate),
// BENCH_ONLY=<letters> (e.g. `b` to profile one variant with --cpu-prof, `abc` to leave out (d)).
import { loadavg } from 'node:os';
import {
  ATTR_AI_MARGIN_CUSTOMER_ID,
  ATTR_AI_MARGIN_FEATURE,
  ATTR_AI_MARGIN_PRICE_PERIOD,
  ATTR_AI_MARGIN_PRICED_MODEL,
  ATTR_GEN_AI_USAGE_COST_AMOUNT,
  ATTR_GEN_AI_USAGE_COST_CURRENCY,
  ATTR_GEN_AI_USAGE_COST_SOURCE,
} from '@ai-margin/conventions';
import { getAttribution, setAttribution } from '@ai-margin/instrumentation/attribution';
import { MarginSpanProcessor, PriceBook } from '@ai-margin/processor';
import { context, SpanKind } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { Registry } from 'prom-client';

const SPANS_PER_ROUND = Number(process.env.BENCH_SPANS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const CLOCK = process.env.BENCH_CLOCK === 'wall' ? 'wall' : 'cpu';
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

/**
 * Writes exactly the attributes the MarginSpanProcessor writes on a priced, attributed span, with
 * constant values and nothing else: what stamping attribution and cost costs by itself.
 */
class AttributesOnlyProcessor {
  onStart(span, parentContext) {
    const attribution = getAttribution(parentContext);
    if (attribution === undefined) return;
    span.setAttribute(ATTR_AI_MARGIN_CUSTOMER_ID, attribution.customerId);
    span.setAttribute(ATTR_AI_MARGIN_FEATURE, attribution.feature);
  }
  onEnding(span) {
    span.setAttribute(ATTR_GEN_AI_USAGE_COST_AMOUNT, 0.004695);
    span.setAttribute(ATTR_GEN_AI_USAGE_COST_CURRENCY, 'USD');
    span.setAttribute(ATTR_GEN_AI_USAGE_COST_SOURCE, 'local');
    span.setAttribute(ATTR_AI_MARGIN_PRICE_PERIOD, 'openai/bench-model@2024-01-01T00:00:00.000Z');
    span.setAttribute(ATTR_AI_MARGIN_PRICED_MODEL, 'bench-model');
  }
  onEnd() {}
  forceFlush() {
    return Promise.resolve();
  }
  shutdown() {
    return Promise.resolve();
  }
}

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
  const provider = new TracerProvider({
    spanProcessors: [
      ...extraProcessors,
      new BatchSpanProcessor({
        exporter: noopSpanExporter,
        maxQueueSize: 4096,
        maxExportBatchSize: 512,
      }),
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

/** Nanoseconds: CPU time of this process (user + system), or wall-clock time. */
function now() {
  if (CLOCK === 'wall') return Number(process.hrtime.bigint());
  const { user, system } = process.cpuUsage();
  return (user + system) * 1000;
}

/**
 * Runs `spans` spans through every variant, interleaved chunk by chunk (rotating the order), so
 * load from other processes on the machine hits all variants alike. Returns ns/span per variant.
 */
async function measure(variants, spans) {
  const elapsed = variants.map(() => 0);
  for (let done = 0, chunk = 0; done < spans; done += CHUNK, chunk++) {
    const n = Math.min(CHUNK, spans - done);
    const ctx = CUSTOMERS[chunk % CUSTOMERS.length];
    for (let j = 0; j < variants.length; j++) {
      const k = (chunk + j) % variants.length;
      const tracer = variants[k].tracer;
      const t0 = now();
      context.with(ctx, () => {
        for (let i = 0; i < n; i++) oneSpan(tracer, done + i);
      });
      elapsed[k] += now() - t0;
    }
    // Let the BatchSpanProcessors export (outside the timed sections).
    await new Promise((r) => setImmediate(r));
  }
  return elapsed.map((e) => e / spans);
}

const mpB = meterProvider();
const mpC = meterProvider();
const registry = new Registry();
const margin = new MarginSpanProcessor({ prices: BENCH_BOOK, meterProvider: mpB, registry });
const variants = [
  makeVariant('(a) baseline: BatchSpanProcessor + no-op exporter', []),
  makeVariant('(b) + MarginSpanProcessor', [margin]),
  makeVariant('(c) + naive processor, 3x Counter.add per span', [new NaiveCounterProcessor(mpC)]),
  makeVariant('(d) + only the 7 attribute writes of (b)', [new AttributesOnlyProcessor()]),
];

const only = process.env.BENCH_ONLY; // e.g. "b": profile one variant; "abc": leave out (d)
if (only) {
  const kept = variants.filter((v) => only.includes(v.name[1]));
  variants.splice(0, variants.length, ...kept);
}
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
  `Node ${process.version}; ${ROUNDS} rounds x ${SPANS_PER_ROUND} spans per variant (after ${WARMUP_SPANS} warm-up), variants interleaved per ${CHUNK}-span chunk; ${CLOCK === 'cpu' ? 'process CPU time' : 'wall-clock time'}; median over rounds of ns/span and of the per-round ratio to (a); load average ${loadavg()[0].toFixed(1)}\n\n`,
);
const range = (xs, digits) =>
  `${Math.min(...xs).toFixed(digits)}-${Math.max(...xs).toFixed(digits)}`;
const rows = variants.map((v, k) => [
  v.name,
  med[k].toFixed(0),
  `${(med[k] - med[0]).toFixed(0)}`,
  `${medRatio[k].toFixed(2)}x`,
  range(results[k], 0),
  range(ratios[k], 2),
]);
const header = ['variant', 'ns/span', '+ns', 'vs (a)', 'ns/span range', 'ratio range'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (r) =>
  r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
process.stdout.write(`${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n`);
for (const r of rows) process.stdout.write(`${line(r)}\n`);
const ratioOf = (letter) => medRatio[variants.findIndex((v) => v.name[1] === letter)];
if (variants[0].name.startsWith('(a)') && variants.some((v) => v.name.startsWith('(b)'))) {
  const ratio = ratioOf('b');
  const others = [
    ['c', 'naive Counter.add'],
    ['d', 'writing its 7 attributes alone'],
  ].filter(([letter]) => variants.some((v) => v.name[1] === letter));
  process.stdout.write(
    `\nMarginSpanProcessor: ${ratio.toFixed(2)}x baseline (target <= ${TARGET}x): ${ratio <= TARGET ? 'OK' : 'ABOVE TARGET'}${others.map(([l, what]) => `; ${what}: ${ratioOf(l).toFixed(2)}x`).join('')}\n`,
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
