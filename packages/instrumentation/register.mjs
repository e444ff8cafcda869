// `node --import @ai-margin/instrumentation/register app.mjs`: registers the ESM loader hook and
// enables every ai-margin instrumentation against the global tracer and meter providers (which
// your telemetry setup may register later). Do not also pass getAiMarginInstrumentations() to
// NodeSDK: every call would get two spans.
import './hook.mjs';
import { registerAiMarginInstrumentations } from './dist/index.js';

registerAiMarginInstrumentations();
