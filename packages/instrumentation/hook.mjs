// ESM loader hook only: `node --import @ai-margin/instrumentation/hook app.mjs`. Registers
// OpenTelemetry's import-in-the-middle hook so `import OpenAI from 'openai'` can be patched by
// instrumentations that your own telemetry setup creates (e.g. getAiMarginInstrumentations()).
import { register } from 'node:module';

register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
