// One measurement process of instrumentation.bench.mjs. argv: <transport> <batches> <batchSize> <simUrl>
// transport: http (local provider simulator) | stub (an in-process fetch returning a canned
// response: isolates SDK + instrumentation CPU cost). Ours and the contrib instrumentation are both
// created in the same process and patched one at a time between small batches, so every mode
// sees the same machine load (the machine is shared); modes rotate batch by batch.
// Prints one JSON line: { transport, modes: { <mode>: { plainUs, streamUs } } } (median of batch
// means, CPU µs per call).
const { context, trace, metrics } = require('@opentelemetry/api');
const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
const { TracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace');
const { MeterProvider } = require('@opentelemetry/sdk-metrics');
const ours = require('@ai-margin/instrumentation');
const { MarginSpanProcessor } = require('@ai-margin/processor');
const { OpenAIInstrumentation: ContribOpenAI } = require('@opentelemetry/instrumentation-openai');

const [transport, batchesArg, batchSizeArg, simUrl] = process.argv.slice(2);
const BATCHES = Number(batchesArg);
const BATCH = Number(batchSizeArg);
const MODES = ['none', 'ours', 'ours+processor', 'contrib'];

/** Drops spans, counting them per instrumentation scope (a sanity check that modes differ). */
const spansByScope = {};
class NullExporter {
  export(spans, done) {
    for (const s of spans) {
      const scope = s.instrumentationScope.name;
      spansByScope[scope] = (spansByScope[scope] ?? 0) + 1;
    }
    done({ code: 0 });
  }
  shutdown() {
    return Promise.resolve();
  }
}

/** Forwards to `inner` only while `on` (the processor's share of the cost is then measurable). */
class Switch {
  constructor(inner) {
    this.inner = inner;
    this.on = false;
  }
  onStart(span, ctx) {
    if (this.on) this.inner.onStart(span, ctx);
  }
  onEnding(span) {
    if (this.on) this.inner.onEnding?.(span);
  }
  onEnd(span) {
    if (this.on) this.inner.onEnd(span);
  }
  forceFlush() {
    return this.inner.forceFlush();
  }
  shutdown() {
    return this.inner.shutdown();
  }
}

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const meterProvider = new MeterProvider();
metrics.setGlobalMeterProvider(meterProvider);
const processorSwitch = new Switch(new MarginSpanProcessor({ meterProvider }));
trace.setGlobalTracerProvider(
  new TracerProvider({
    spanProcessors: [
      processorSwitch,
      new BatchSpanProcessor({ exporter: new NullExporter(), maxQueueSize: 100_000 }),
    ],
  }),
);
// The SDK is required BEFORE the instrumentations exist, so their require hooks leave it alone;
// each mode then patches it by hand. Only one instrumentation is patched at a time (OTel's
// `_wrap` replaces any wrapper already in place), switched between batches, outside the timing.
const openaiModule = require('openai');
const oursInstr = new ours.OpenAIInstrumentation();
const contribInstr = new ContribOpenAI();
for (const instr of [oursInstr, contribInstr]) {
  // What registerInstrumentations / NodeSDK do (contrib creates its metric instruments here).
  instr.setTracerProvider(trace.getTracerProvider());
  instr.setMeterProvider(meterProvider);
}
let patched = 'none';
function setMode(mode) {
  if (patched === 'ours') oursInstr.manuallyUninstrument(openaiModule);
  if (patched === 'contrib') {
    for (const def of contribInstr.getModuleDefinitions()) def.unpatch?.(openaiModule);
  }
  patched = mode === 'ours' || mode === 'ours+processor' ? 'ours' : mode;
  if (patched === 'ours') oursInstr.manuallyInstrument(openaiModule);
  if (patched === 'contrib') {
    for (const def of contribInstr.getModuleDefinitions()) def.patch?.(openaiModule);
  }
  processorSwitch.on = mode === 'ours+processor';
}
const withAttribution = ours.withAttribution;

const { OpenAI } = openaiModule;

function stubFetch() {
  const usage = { prompt_tokens: 9, completion_tokens: 20, total_tokens: 29 };
  const plain = JSON.stringify({
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model: 'gpt-4o-mini',
    choices: [{ index: 0, message: { role: 'assistant', content: 'Hi' }, finish_reason: 'stop' }],
    usage,
  });
  const chunk = (o) =>
    `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', ...o })}\n\n`;
  const sse =
    chunk({
      choices: [{ index: 0, delta: { role: 'assistant', content: 'Hi' }, finish_reason: null }],
    }) +
    chunk({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }) +
    chunk({ choices: [], usage }) +
    'data: [DONE]\n\n';
  return async (_url, init) => {
    const body = JSON.parse(init.body);
    return body.stream
      ? new Response(sse, { headers: { 'content-type': 'text/event-stream' } })
      : new Response(plain, { headers: { 'content-type': 'application/json' } });
  };
}

const client = new OpenAI({
  baseURL: `${simUrl}/v1`,
  apiKey: 'bench',
  maxRetries: 0,
  ...(transport === 'stub' ? { fetch: stubFetch() } : {}),
});
const messages = [{ role: 'user', content: 'Hello' }];

async function plainCall() {
  return withAttribution({ customerId: 'c1', feature: 'bench' }, () =>
    client.chat.completions.create({ model: 'gpt-4o-mini', messages }),
  );
}
async function streamCall() {
  return withAttribution({ customerId: 'c1', feature: 'bench' }, async () => {
    const s = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    for await (const _ of s) {
    }
  });
}

// CPU time (user + system) of this process per call: unlike wall time it is barely moved by
// other processes on a shared machine, and the client-side work is where instrumentation costs.
async function batch(fn) {
  const c0 = process.cpuUsage();
  for (let i = 0; i < BATCH; i++) await fn();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / BATCH;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

(async () => {
  const samples = Object.fromEntries(MODES.map((m) => [m, { plain: [], stream: [] }]));
  for (const mode of MODES) {
    setMode(mode);
    await batch(plainCall);
    await batch(streamCall);
  }
  for (let b = 0; b < BATCHES; b++) {
    // Rotate the order so no mode always runs first (GC, timers).
    for (let k = 0; k < MODES.length; k++) {
      const mode = MODES[(b + k) % MODES.length];
      setMode(mode);
      samples[mode].plain.push(await batch(plainCall));
      samples[mode].stream.push(await batch(streamCall));
    }
  }
  const modes = Object.fromEntries(
    MODES.map((m) => [
      m,
      { plainUs: median(samples[m].plain), streamUs: median(samples[m].stream) },
    ]),
  );
  await trace.getTracerProvider().getDelegate().forceFlush();
  process.stdout.write(`${JSON.stringify({ transport, modes, spansByScope })}\n`);
  process.exit(0);
})();
