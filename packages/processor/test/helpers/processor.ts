// Shared helpers for the processor tests: a hand-written price file, span harness, metric readers.

import {
  MarginSpanProcessor,
  type MarginSpanProcessorConfig,
  PriceBook,
} from '@ai-margin/processor';
import { type Attributes, context, SpanKind } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { Registry } from 'prom-client';

// withAttribution needs a real context manager (the API's default is a no-op).
const contextManager = new AsyncLocalStorageContextManager().enable();
context.setGlobalContextManager(contextManager);

/** The price change in the test file: 2025-06-01T00:00:00Z. */
export const PRICE_CHANGE = Date.UTC(2025, 5, 1);
export const BEFORE = Date.UTC(2025, 2, 15, 12, 0, 0);
export const AFTER = Date.UTC(2025, 7, 20, 9, 30, 0);

/** USD per 1M tokens, by hand: the expected costs in the tests are computed from these. */
export const TEST_PRICES = {
  old: { input: 2.0, output: 8.0, cacheRead: 0.5, cacheWrite5m: 2.5 },
  new: { input: 1.0, output: 4.0, cacheRead: 0.25, cacheWrite5m: 1.25 },
  claude: { input: 3.0, output: 15.0, cacheRead: 0.3, cacheWrite5m: 3.75, cacheWrite1h: 6.0 },
  /** OpenAI-style retention-priced cache writes (no 12-hour price: such writes are unpriced). */
  retention: { input: 2.0, output: 8.0, cacheRead: 0.2, cacheWrite30m: 2.5 },
} as const;

/** USD per 1,000 web searches of `test-claude` and `test-retention`. */
export const TEST_WEB_SEARCH_FEE = 10;

export const TEST_PRICE_FILE = {
  providers: [
    {
      provider: 'openai',
      providerAliases: ['azure.ai.openai'],
      currency: 'USD',
      models: [
        {
          id: 'test-model-a',
          periods: [
            {
              effectiveFrom: '2025-01-01T00:00:00Z',
              effectiveTo: '2025-06-01T00:00:00Z',
              prices: TEST_PRICES.old,
              source: 'test: hand-written',
            },
            {
              effectiveFrom: '2025-06-01T00:00:00Z',
              prices: TEST_PRICES.new,
              serviceTiers: { batch: 0.5, flex: 0.5, priority: 2 },
              source: 'test: hand-written price cut',
            },
          ],
        },
        {
          id: 'test-retention',
          periods: [
            {
              effectiveFrom: '2025-01-01T00:00:00Z',
              prices: TEST_PRICES.retention,
              serviceTiers: { batch: 0.5 },
              toolFees: { webSearch: TEST_WEB_SEARCH_FEE },
              source: 'test: retention-priced cache writes',
            },
          ],
        },
      ],
    },
    {
      provider: 'anthropic',
      currency: 'USD',
      models: [
        {
          id: 'test-claude',
          periods: [
            {
              effectiveFrom: '2025-01-01T00:00:00Z',
              prices: TEST_PRICES.claude,
              toolFees: { webSearch: TEST_WEB_SEARCH_FEE },
              source: 'test',
            },
          ],
        },
      ],
    },
  ],
};

export function testBook(): PriceBook {
  return PriceBook.load({
    userFiles: [{ name: 'test-prices.json', data: TEST_PRICE_FILE }],
    includeShipped: false,
  });
}

/** Cost of buckets at a price row, computed independently of the engine. */
export function usd(
  buckets: Partial<
    Record<'input' | 'output' | 'cacheRead' | 'cacheWrite5m' | 'cacheWrite1h', number>
  >,
  prices: Partial<Record<string, number>>,
): number {
  let total = 0;
  for (const [bucket, n] of Object.entries(buckets))
    total += ((n ?? 0) * (prices[bucket] ?? 0)) / 1e6;
  return total;
}

export interface Harness {
  processor: MarginSpanProcessor;
  provider: TracerProvider;
  spans: InMemorySpanExporter;
  registry: Registry;
  meterProvider: MeterProvider;
  metricExporter: InMemoryMetricExporter;
  reader: PeriodicExportingMetricReader;
  /** Starts and ends one span with explicit start time and attributes. */
  span(name: string, startMs: number, attributes: Attributes): ReadableSpan;
  close(): Promise<void>;
}

export function harness(config: MarginSpanProcessorConfig = {}): Harness {
  const registry = new Registry();
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({
    exporter: metricExporter,
    exportIntervalMillis: 3_600_000,
  });
  const meterProvider = new MeterProvider({ readers: [reader] });
  const processor = new MarginSpanProcessor({
    prices: testBook(),
    registry,
    meterProvider,
    ...config,
  });
  const spans = new InMemorySpanExporter();
  const provider = new TracerProvider({
    spanProcessors: [processor, new SimpleSpanProcessor({ exporter: spans })],
  });
  const tracer = provider.getTracer('test');
  return {
    processor,
    provider,
    spans,
    registry,
    meterProvider,
    metricExporter,
    reader,
    span(name, startMs, attributes) {
      const s = tracer.startSpan(name, {
        kind: SpanKind.CLIENT,
        startTime: new Date(startMs),
        attributes,
      });
      s.end(new Date(startMs + 1500));
      const finished = spans.getFinishedSpans();
      return finished[finished.length - 1] as ReadableSpan;
    },
    async close() {
      await provider.shutdown();
      await meterProvider.shutdown();
    },
  };
}

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the Prometheus text exposition (no escapes beyond \\ and \" needed by the tests). */
export function parsePromText(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line.startsWith('# TYPE ')) {
      const [, , name, type] = line.split(' ');
      types.set(name as string, type as string);
      continue;
    }
    if (line === '' || line.startsWith('#')) continue;
    // `s`: label values may hold \r, U+2028 and U+2029, which `.` does not match otherwise.
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/s.exec(line);
    if (!m) throw new Error(`unparseable exposition line: ${line}`);
    const labels: Record<string, string> = {};
    if (m[3]) {
      for (const lm of m[3].matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
        labels[lm[1] as string] = (lm[2] as string).replace(/\\(.)/g, '$1');
      }
    }
    samples.push({ name: m[1] as string, labels, value: Number(m[4]) });
  }
  return { samples, types };
}

export async function promSamples(
  registry: Registry,
): Promise<{ samples: Sample[]; types: Map<string, string> }> {
  return parsePromText(await registry.metrics());
}

/** Collects the OTel path through the in-memory exporter: samples keyed by OTel metric name. */
export async function otelSamples(h: Harness): Promise<Sample[]> {
  h.metricExporter.reset();
  await h.reader.forceFlush();
  const batches = h.metricExporter.getMetrics();
  const last = batches[batches.length - 1];
  const out: Sample[] = [];
  for (const scope of last?.scopeMetrics ?? []) {
    for (const metric of scope.metrics) {
      for (const dp of metric.dataPoints) {
        out.push({
          name: metric.descriptor.name,
          labels: Object.fromEntries(Object.entries(dp.attributes).map(([k, v]) => [k, String(v)])),
          value: dp.value as number,
        });
      }
    }
  }
  return out;
}

/** The one sample of `name` whose labels include `match`; throws if none or several. */
export function pick(samples: Sample[], name: string, match: Record<string, string>): Sample {
  const found = samples.filter(
    (s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v),
  );
  if (found.length !== 1) {
    throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(match)}`);
  }
  return found[0] as Sample;
}
