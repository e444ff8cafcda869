// ESM child of compat-otel3.sh: every package loaded through `import` (ESM entry points).
//   node app.mjs                                               -> manuallyInstrument
//   node --import @ai-margin/instrumentation/register app.mjs  -> loader hook (COMPAT_MODE=hook)
import * as instrumentation from '@ai-margin/instrumentation';
import * as processor from '@ai-margin/processor';
import * as providerSim from '@ai-margin/provider-sim';
import * as api from '@opentelemetry/api';
import * as asyncHooks from '@opentelemetry/context-async-hooks';
import * as sdkMetrics from '@opentelemetry/sdk-metrics';
import * as sdkTrace from '@opentelemetry/sdk-trace';
import * as openai from 'openai';
import * as promClient from 'prom-client';
import scenario from './scenario.cjs';

const mode = process.env.COMPAT_MODE === 'hook' ? 'hook' : 'manual';
await scenario.runScenario(
  {
    api,
    sdkTrace,
    sdkMetrics,
    asyncHooks,
    promClient,
    openai,
    instrumentation,
    processor,
    providerSim,
  },
  {
    label: `esm/${mode}`,
    mode,
    priceFile: new URL('./prices.json', import.meta.url).pathname,
    priceLoad: 'config',
    expectUnpatched: process.env.COMPAT_EXPECT === 'unpatched',
  },
);
