// The compatibility scenario shared by app.mjs (ESM) and app.cjs (CJS). It takes the modules as
// arguments so each app loads them in its own format (ESM `import` or CJS `require`).
//
// One chat completion through the real `openai` client against the provider simulator, inside
// withAttribution, with the OTel 3.x trace SDK (TracerProvider + MarginSpanProcessor + in-memory
// exporter), the 3.x metrics SDK (MeterProvider + in-memory reader) and a prom-client Registry.
// Prints one line per check and exits non-zero when any check fails.
'use strict';

const MODEL = 'compat-model';
const CUSTOMER = 'cust-compat-3x';
const FEATURE = 'compat-check';
// What the simulator reports: uncached input, cache reads, output (OpenAI renders
// prompt_tokens = 1200 + 200 = 1400 with cached_tokens = 200, completion_tokens = 300).
const USAGE = { input: 1200, cacheRead: 200, output: 300 };
// By hand from prices.json (USD per 1M tokens: input 2.0, cacheRead 0.5, output 8.0):
// 1200 * 2.0 + 200 * 0.5 + 300 * 8.0 = 2400 + 100 + 2400 = 4900 micro-USD.
const EXPECTED_COST_USD = 0.0049;
const TOLERANCE = 1e-12;

/**
 * @param {object} m modules: api, sdkTrace, sdkMetrics, asyncHooks, promClient, openai (module
 *   namespace or exports), instrumentation, processor, providerSim
 * @param {{ label: string, mode: 'manual' | 'hook', priceFile: string, priceLoad: 'config' | 'book',
 *   expectUnpatched?: boolean }} opts `expectUnpatched`: the installed openai is outside the
 *   instrumentation's supported versions, so the hook must leave it alone (no span, no error).
 */
async function runScenario(m, opts) {
  const results = [];
  const check = (name, ok, detail) => {
    results.push({ name, ok });
    process.stdout.write(`  ${ok ? 'ok  ' : 'FAIL'} ${name}: ${detail}\n`);
  };
  const near = (a, b) => typeof a === 'number' && Math.abs(a - b) <= TOLERANCE;
  const watchdog = setTimeout(() => {
    process.stdout.write(`  FAIL ${opts.label}: timed out after 30 s\n`);
    process.exit(2);
  }, 30_000);
  watchdog.unref();

  const { api } = m;
  api.diag.setLogger(new api.DiagConsoleLogger(), api.DiagLogLevel.WARN);
  api.context.setGlobalContextManager(new m.asyncHooks.AsyncLocalStorageContextManager().enable());

  const sim = await m.providerSim.startProviderSim({ script: () => ({ usage: USAGE }) });
  try {
    // Metrics: 3.x MeterProvider with an in-memory exporter read on demand; prom-client registry.
    const metricExporter = new m.sdkMetrics.InMemoryMetricExporter(
      m.sdkMetrics.AggregationTemporality.CUMULATIVE,
    );
    const reader = new m.sdkMetrics.PeriodicExportingMetricReader({
      exporter: metricExporter,
      exportIntervalMillis: 3_600_000,
    });
    const meterProvider = new m.sdkMetrics.MeterProvider({ readers: [reader] });
    const registry = new m.promClient.Registry();

    const prices =
      opts.priceLoad === 'book'
        ? m.processor.PriceBook.load({ userFiles: [opts.priceFile], includeShipped: false })
        : [opts.priceFile];
    const processor = new m.processor.MarginSpanProcessor({ prices, registry, meterProvider });

    // Traces: the 3.x SDK's TracerProvider (BasicTracerProvider in 2.x).
    const spanExporter = new m.sdkTrace.InMemorySpanExporter();
    const tracerProvider = new m.sdkTrace.TracerProvider({
      spanProcessors: [processor, new m.sdkTrace.SimpleSpanProcessor({ exporter: spanExporter })],
    });

    const OpenAI = m.openai.OpenAI ?? m.openai.default;
    if (opts.mode === 'manual') {
      const instrumentation = new m.instrumentation.OpenAIInstrumentation();
      instrumentation.setTracerProvider(tracerProvider);
      instrumentation.setMeterProvider(meterProvider);
      instrumentation.manuallyInstrument(m.openai);
    } else {
      // `--import/--require @ai-margin/instrumentation/register` enabled the instrumentations
      // against the global providers, which are resolved lazily.
      api.trace.setGlobalTracerProvider(tracerProvider);
      api.metrics.setGlobalMeterProvider(meterProvider);
    }

    const client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'compat', maxRetries: 0 });
    const completion = await m.instrumentation.withAttribution(
      { customerId: CUSTOMER, feature: FEATURE },
      () =>
        client.chat.completions.create({
          model: MODEL,
          messages: [{ role: 'user', content: 'Hello from the OTel 3.x compatibility check' }],
        }),
    );
    check(
      'openai call answered',
      completion?.usage?.prompt_tokens === 1400 && completion?.usage?.completion_tokens === 300,
      `usage ${JSON.stringify(completion?.usage ?? null)}`,
    );

    await tracerProvider.forceFlush();
    const spans = spanExporter
      .getFinishedSpans()
      .filter((s) => s.instrumentationScope.name === '@ai-margin/instrumentation');
    if (opts.expectUnpatched) {
      check(
        'unsupported openai version left unpatched',
        spans.length === 0,
        `${spans.length} span(s) (expected none: outside OPENAI_SUPPORTED_VERSIONS)`,
      );
      return finish();
    }
    check(
      'one span from @ai-margin/instrumentation',
      spans.length === 1 && spans[0].name === `chat ${MODEL}`,
      `${spans.length} span(s): ${spans.map((s) => s.name).join(', ') || '(none)'}`,
    );
    const attrs = spans[0]?.attributes ?? {};
    check(
      'span gen_ai.usage.cost.amount',
      near(attrs['gen_ai.usage.cost.amount'], EXPECTED_COST_USD),
      `${attrs['gen_ai.usage.cost.amount']} (expected ${EXPECTED_COST_USD})`,
    );
    check(
      'span customer attribute',
      attrs['ai_margin.customer_id'] === CUSTOMER && attrs['ai_margin.feature'] === FEATURE,
      `ai_margin.customer_id=${attrs['ai_margin.customer_id']} ai_margin.feature=${attrs['ai_margin.feature']}`,
    );

    await reader.forceFlush();
    const otelPoints = [];
    for (const rm of metricExporter.getMetrics()) {
      for (const sm of rm.scopeMetrics) {
        for (const metric of sm.metrics) {
          if (metric.descriptor.name !== 'ai_margin.cost.usd') continue;
          for (const dp of metric.dataPoints) {
            if (dp.attributes.customer_id === CUSTOMER) otelPoints.push(dp.value);
          }
        }
      }
    }
    // Cumulative: every export repeats the total; the last one counts.
    const otelCost = otelPoints.at(-1);
    check(
      'OTel metric ai_margin.cost.usd',
      near(otelCost, EXPECTED_COST_USD),
      `${otelCost} (expected ${EXPECTED_COST_USD})`,
    );

    const promMetric = registry.getSingleMetric('ai_margin_cost_usd_total');
    const promValues = promMetric ? (await promMetric.get()).values : [];
    const promCost = promValues.find((v) => v.labels.customer_id === CUSTOMER)?.value;
    check(
      'prom-client ai_margin_cost_usd_total',
      near(promCost, EXPECTED_COST_USD),
      `${promCost} (expected ${EXPECTED_COST_USD})`,
    );

    await tracerProvider.shutdown();
    await meterProvider.shutdown();
  } catch (err) {
    check('scenario ran without throwing', false, err?.stack ?? String(err));
  } finally {
    await sim.close();
  }
  finish();

  function finish() {
    const failed = results.filter((r) => !r.ok).length;
    process.exitCode = failed === 0 && results.length > 0 ? 0 : 1;
  }
}

module.exports = { runScenario };
