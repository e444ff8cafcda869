// Type-level half of scripts/packed-smoke/run.mjs: a TypeScript user on the OTel 3.x line, compiled with
// skipLibCheck off so our published .d.ts files are checked against the 3.x packages' types.
import { OpenAIInstrumentation, withAttribution } from '@ai-margin/instrumentation';
import { MarginSpanProcessor, PriceBook } from '@ai-margin/processor';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { type SpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { Registry } from 'prom-client';

const meterProvider = new MeterProvider();
const margin: SpanProcessor = new MarginSpanProcessor({
  prices: PriceBook.load({ userFiles: ['prices.json'], includeShipped: false }),
  registry: new Registry(),
  meterProvider,
});
const tracerProvider = new TracerProvider({ spanProcessors: [margin] });
registerInstrumentations({
  instrumentations: [new OpenAIInstrumentation()],
  tracerProvider,
  meterProvider,
});
export const answer: number = withAttribution({ customerId: 'c' }, () => 42);
