// CJS child of compat-otel3.sh: every package loaded through `require` (CJS entry points).
//   node app.cjs                                                -> manuallyInstrument
//   node --require @ai-margin/instrumentation/register app.cjs  -> require hook (COMPAT_MODE=hook)
'use strict';

const path = require('node:path');
const { runScenario } = require('./scenario.cjs');

const mode = process.env.COMPAT_MODE === 'hook' ? 'hook' : 'manual';
runScenario(
  {
    api: require('@opentelemetry/api'),
    sdkTrace: require('@opentelemetry/sdk-trace'),
    sdkMetrics: require('@opentelemetry/sdk-metrics'),
    asyncHooks: require('@opentelemetry/context-async-hooks'),
    promClient: require('prom-client'),
    openai: require('openai'),
    instrumentation: require('@ai-margin/instrumentation'),
    processor: require('@ai-margin/processor'),
    providerSim: require('@ai-margin/provider-sim'),
  },
  {
    label: `cjs/${mode}`,
    mode,
    priceFile: path.join(__dirname, 'prices.json'),
    priceLoad: 'book',
    expectUnpatched: process.env.COMPAT_EXPECT === 'unpatched',
  },
);
