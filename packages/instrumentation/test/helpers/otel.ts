/**
 * In-memory OpenTelemetry setup for instrumentation tests: a tracer provider exporting to an
 * InMemorySpanExporter through a SimpleSpanProcessor, a processor that copies the attribution
 * active at span start onto `startAttribution` (what MarginSpanProcessor reads in onStart), a
 * meter provider with an in-memory metric exporter, and a global async-hooks context manager.
 */
import { getAttribution } from '@ai-margin/instrumentation';
import { type Context, context } from '@opentelemetry/api';
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
  type Span,
  type SpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';

export class AttributionRecorder implements SpanProcessor {
  readonly bySpanId = new Map<string, Record<string, string | undefined>>();
  onStart(span: Span, parentContext: Context): void {
    const a = getAttribution(parentContext);
    if (a) this.bySpanId.set(span.spanContext().spanId, { ...a });
  }
  onEnd(_span: ReadableSpan): void {}
  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {}
}

export interface TestOtel {
  exporter: InMemorySpanExporter;
  tracerProvider: TracerProvider;
  meterProvider: MeterProvider;
  metricExporter: InMemoryMetricExporter;
  metricReader: PeriodicExportingMetricReader;
  attribution: AttributionRecorder;
  spans(): ReadableSpan[];
  shutdown(): Promise<void>;
}

let contextManagerSet = false;

export function setupOtel(extraProcessors: SpanProcessor[] = []): TestOtel {
  if (!contextManagerSet) {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    contextManagerSet = true;
  }
  const exporter = new InMemorySpanExporter();
  const attribution = new AttributionRecorder();
  const tracerProvider = new TracerProvider({
    spanProcessors: [attribution, ...extraProcessors, new SimpleSpanProcessor({ exporter })],
  });
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const metricReader = new PeriodicExportingMetricReader({
    exporter: metricExporter,
    exportIntervalMillis: 3_600_000,
  });
  const meterProvider = new MeterProvider({ readers: [metricReader] });
  return {
    exporter,
    tracerProvider,
    meterProvider,
    metricExporter,
    metricReader,
    attribution,
    spans: () => exporter.getFinishedSpans(),
    async shutdown() {
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
    },
  };
}

/** Waits until `n` spans have ended (span ends can trail the awaited promise by a tick). */
export async function waitForSpans(
  otel: TestOtel,
  n: number,
  timeoutMs = 2000,
): Promise<ReadableSpan[]> {
  const start = Date.now();
  while (otel.spans().length < n) {
    if (Date.now() - start > timeoutMs) {
      throw new Error(`expected ${n} spans, got ${otel.spans().length}`);
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  return otel.spans();
}
