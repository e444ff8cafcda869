/**
 * `ai-margin demo` from start to finish: scenario -> simulated run through the real SDKs ->
 * metrics -> terminal / JSON / HTML report, optionally staying up to serve `/metrics` or
 * exporting OTLP.
 */
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { METRICS } from '@ai-margin/conventions';
import { PriceBook } from '@ai-margin/processor';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import {
  MeterProvider,
  MetricReader,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { Registry } from 'prom-client';
import type { CommandIO } from '../io';
import { WHATIF_CSS, whatifSection } from '../whatif/render-html';
import type { WhatifJson, WhatifOutput } from '../whatif/run';
import { analyse, renderText } from '../whatif/run';
import { readScenarioFile, type Scenario as WhatifScenario } from '../whatif/scenario';
import { otelTotal, runScenario } from './driver';
import { renderHtmlReport } from './html-report';
import { type DemoOptions, parseDemoOptions, USAGE } from './options';
import { createProgress } from './progress';
import { buildReport, type DemoReport, type ModelContext } from './report-model';
import { type Scenario as DemoScenario, generateScenario } from './scenario';
import { monthLabel, type RunInfo, renderTerminalReport } from './terminal-report';

/** An OTel metric reader the demo collects on demand (the in-memory path). */
class OnDemandReader extends MetricReader {
  protected async onShutdown(): Promise<void> {}
  protected async onForceFlush(): Promise<void> {}
}

/** The JSON the demo prints with `--json`. */
export interface DemoJson {
  run: RunInfo & { customers: number; failedCalls: number };
  report: DemoReport;
  /** Totals read from the OTel MeterProvider, to cross-check the prom-client path. */
  otel: { costUsd: number; requests: number };
  /** With `--whatif` / `--suggest`: the replay of the run's usage and the ranked moves. */
  whatif?: WhatifJson;
}

/** Long-context cliffs from the shipped price book, for the "why under water" notes. */
const priceBookContext: ModelContext = {
  cliffAbove(provider, model, at) {
    try {
      const found = PriceBook.shipped().lookup(provider, model, at);
      return found.found ? found.price.period.tiers?.[0]?.aboveInputTokens : undefined;
    } catch {
      return undefined;
    }
  },
};

export async function runDemo(argv: string[], io: CommandIO): Promise<number> {
  let opts: DemoOptions;
  try {
    opts = parseDemoOptions(argv);
  } catch (err) {
    io.stderr(`ai-margin demo: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (opts.help) {
    io.stdout(USAGE);
    return 0;
  }

  try {
    return await demo(opts, io);
  } catch (err) {
    io.stderr(`ai-margin demo: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

async function demo(opts: DemoOptions, io: CommandIO): Promise<number> {
  const started = performance.now();
  // Read the what-if scenario first: a bad file fails before minutes of simulation.
  const whatifScenario = opts.whatif ? readScenarioFile(opts.whatif) : undefined;
  const scenario = generateScenario({ seed: opts.seed, customers: opts.customers });
  const registry = new Registry();
  const memoryReader = new OnDemandReader();
  const readers: MetricReader[] = [memoryReader];
  if (opts.otlp) {
    readers.push(
      new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter({ url: opts.otlp }),
        exportIntervalMillis: 10_000,
      }),
    );
  }
  const meterProvider = new MeterProvider({ readers });
  const interactive = io.isTTY && Boolean(process.stderr.isTTY) && !opts.json;
  const progress = createProgress(scenario.calls.length, io.stderr, interactive);

  const result = await runScenario({
    scenario,
    registry,
    meterProvider,
    concurrency: opts.concurrency,
    onProgress: (done, month) => progress.update(done, `simulating ${monthLabel(month)}`),
  });
  const wallMs = performance.now() - started;
  progress.finish(
    `ai-margin demo: ${result.calls} calls for ${scenario.customers.length} customers in ${(wallMs / 1000).toFixed(1)} s` +
      (result.failedCalls > 0 ? ` (${result.failedCalls} failed: ${result.firstError})` : ''),
  );

  const report = buildReport(result.snapshots, result.monthEnds, priceBookContext);
  const whatif = await demoWhatif(opts, whatifScenario, scenario);
  const run: RunInfo = {
    seed: opts.seed,
    calls: result.calls,
    wallMs,
    providers: ['openai', 'anthropic', 'gcp.gemini', 'aws.bedrock'],
    ...(opts.html ? { htmlPath: resolve(opts.html) } : {}),
  };
  if (opts.html) {
    writeFileSync(
      opts.html,
      renderHtmlReport(report, run, whatif ? { html: whatifSection(whatif), css: WHATIF_CSS } : {}),
    );
  }
  if (opts.json) {
    const json: DemoJson = {
      run: { ...run, customers: scenario.customers.length, failedCalls: result.failedCalls },
      report,
      otel: {
        costUsd: await otelTotal(memoryReader, METRICS.cost.otelName),
        requests: await otelTotal(memoryReader, METRICS.requests.otelName),
      },
      ...(whatif ? { whatif: { whatif: whatif.result, suggest: whatif.suggestions } } : {}),
    };
    io.stdout(`${JSON.stringify(json, null, 2)}\n`);
  } else {
    io.stdout(renderTerminalReport(report, run, { color: io.isTTY }));
    if (whatif) io.stdout(`\n${renderText(whatif)}`);
  }

  if (opts.otlp) await meterProvider.forceFlush();
  if (opts.serve !== undefined) {
    const server = await serveMetrics(registry, opts.serve);
    const port = (server.address() as AddressInfo).port;
    io.stderr(
      `ai-margin demo: serving Prometheus metrics on http://127.0.0.1:${port}/metrics (Ctrl-C to stop)\n`,
    );
    await new Promise<void>((done) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        server.close(() => done());
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
  }
  await result.close();
  await meterProvider.shutdown();
  return result.failedCalls > 0 ? 1 : 0;
}

/** `--whatif` / `--suggest`: the scenario's calls as day cells, replayed and searched. */
async function demoWhatif(
  opts: DemoOptions,
  what: WhatifScenario | undefined,
  scenario: DemoScenario,
): Promise<WhatifOutput | undefined> {
  if (!what && !opts.suggest) return undefined;
  const { demoHistory } = await import('../whatif/usage-source-demo');
  const book = PriceBook.shipped();
  return analyse(demoHistory(scenario, book), what, opts.suggest, book);
}

/** `/metrics` for Prometheus on 127.0.0.1. */
export function serveMetrics(registry: Registry, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('try /metrics\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (err: unknown) => res.writeHead(500).end(String(err)),
    );
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => ok(server));
  });
}
