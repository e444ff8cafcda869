// OpenTelemetry setup for the example service. Load it before the application:
//
//   node --import ./telemetry.mjs server.mjs
//
// What it wires up:
// - the ESM loader hook, so `import OpenAI from 'openai'` in server.mjs can be patched;
// - our GenAI instrumentations (openai, @anthropic-ai/sdk, Bedrock, Google GenAI);
// - MarginSpanProcessor: prices every GenAI span at the price in force when it started and keeps
//   per-customer cost / revenue aggregates;
// - two metric sinks reading the same aggregates: OTLP/protobuf push (any collector,
//   VictoriaMetrics, ...) and a prom-client registry that server.mjs serves on `/metrics`.
//
// Environment (all optional):
//   OTEL_EXPORTER_OTLP_METRICS_ENDPOINT / OTEL_EXPORTER_OTLP_ENDPOINT   where metrics go
//       (VictoriaMetrics: http://host:8428/opentelemetry/v1/metrics; a Collector: http://host:4318)
//   OTEL_METRIC_EXPORT_INTERVAL      push interval in ms (default 60000)
//   OTEL_METRICS_EXPORTER=none       no OTLP push (the /metrics scrape still works)
//   OTEL_EXPORTER_OTLP_TRACES_ENDPOINT  also export the spans (OTLP/protobuf) when set
//   AI_MARGIN_PRICES                 comma-separated user price files layered over the shipped prices
//   AI_MARGIN_PRICE_RELOAD_MS        re-read those files this often (default 60000; 0 = only on
//                                    SIGHUP); a bad edit keeps the last good prices
//   AI_MARGIN_CUSTOMERS              customer directory JSON (default ./customers.json)
//   AI_MARGIN_REVENUE_RULES          usage revenue rules JSON (default ./revenue-rules.json)
import '@ai-margin/instrumentation/hook';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getAiMarginInstrumentations } from '@ai-margin/instrumentation';
import { MarginSpanProcessor, marginMetricViews } from '@ai-margin/processor';
import { DiagConsoleLogger, DiagLogLevel, diag } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace';
import { collectDefaultMetrics, Registry } from 'prom-client';

const here = dirname(fileURLToPath(import.meta.url));
const env = process.env;

if (env.OTEL_LOG_LEVEL) {
  diag.setLogger(
    new DiagConsoleLogger(),
    DiagLogLevel[env.OTEL_LOG_LEVEL.toUpperCase()] ?? DiagLogLevel.INFO,
  );
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`telemetry.mjs: cannot read ${path}: ${err.message}`);
  }
}

/** The service's own Prometheus registry: ai-margin metrics join it, served on /metrics. */
export const registry = new Registry();
collectDefaultMetrics({ register: registry });

const prices = (env.AI_MARGIN_PRICES ?? '')
  .split(',')
  .map((p) => p.trim())
  .filter(Boolean)
  .map((p) => resolve(p));

/** The span processor; server.mjs uses it for `recordRevenue` (billing webhooks). */
export const margin = new MarginSpanProcessor({
  registry,
  prices,
  priceReloadIntervalMs: Number(env.AI_MARGIN_PRICE_RELOAD_MS ?? 60_000),
  customers: {
    file: resolve(here, env.AI_MARGIN_CUSTOMERS ?? 'customers.json'),
    refreshIntervalMs: 60_000,
  },
  revenueRules: readJson(resolve(here, env.AI_MARGIN_REVENUE_RULES ?? 'revenue-rules.json')),
});

const metricReaders = [];
if (env.OTEL_METRICS_EXPORTER !== 'none') {
  metricReaders.push(
    new PeriodicExportingMetricReader({
      // Protobuf: VictoriaMetrics' OTLP receiver rejects OTLP/JSON.
      exporter: new OTLPMetricExporter(),
      exportIntervalMillis: Number(env.OTEL_METRIC_EXPORT_INTERVAL ?? 60_000),
      exportTimeoutMillis: Math.min(Number(env.OTEL_METRIC_EXPORT_INTERVAL ?? 60_000), 30_000),
    }),
  );
}

const spanProcessors = [margin];
if (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT) {
  spanProcessors.push(new BatchSpanProcessor({ exporter: new OTLPTraceExporter() }));
}

export const sdk = new NodeSDK({
  resource: resourceFromAttributes({
    'service.name': env.OTEL_SERVICE_NAME ?? 'ai-margin-example',
  }),
  // Passing spanProcessors replaces the SDK's default exporting processor: list it yourself.
  spanProcessors,
  metricReaders,
  // Let the processor's own customer cap (10,000) apply instead of the SDK's 2,000 per metric.
  views: marginMetricViews(),
  instrumentations: getAiMarginInstrumentations(),
});
sdk.start();

// `kill -HUP <pid>` re-reads the price files now (a new price applies from the next call).
process.on('SIGHUP', () => margin.reloadPrices());

// Flush the last metrics on shutdown (the final cumulative values reach the backend).
let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    sdk
      .shutdown()
      .catch((err) => diag.error('telemetry shutdown failed', err))
      .finally(() => process.exit(0));
  });
}
