// `node --require @ai-margin/instrumentation/register app.js`: enables every ai-margin
// instrumentation (CommonJS `require` is patched without a loader hook).
require('./dist/index.cjs').registerAiMarginInstrumentations();
