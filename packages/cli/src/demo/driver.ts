/**
 * Runs the scenario for real: the provider simulator answers every call with the usage the
 * scenario dictates; the real SDK clients (openai, @anthropic-ai/sdk, @google/genai,
 * @aws-sdk/client-bedrock-runtime) make the calls, patched by our instrumentations; the
 * MarginSpanProcessor prices the spans and keeps the metrics, read back from a prom-client
 * registry (one snapshot per simulated month end) and from an OTel MeterProvider.
 */

import {
  AnthropicInstrumentation,
  BedrockRuntimeInstrumentation,
  GoogleGenAIInstrumentation,
  OpenAIInstrumentation,
  withAttribution,
} from '@ai-margin/instrumentation';
import { MarginSpanProcessor, type RevenueRule } from '@ai-margin/processor';
import { type SimCall, type SimReply, startProviderSim } from '@ai-margin/provider-sim';
import type Anthropic from '@anthropic-ai/sdk';
import type { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import type { GoogleGenAI } from '@google/genai';
import { context, type MeterProvider } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import type { InstrumentationBase } from '@opentelemetry/instrumentation';
import type { MetricReader } from '@opentelemetry/sdk-metrics';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import type OpenAI from 'openai';
import { runPool } from './pool';
import { type DemoCall, type DemoCustomer, type Scenario, USAGE_PRICE_PER_USE } from './scenario';
import { SimulatedTimeTracerProvider, withSimulatedTime } from './simulated-time';
import { type MetricsJsonSource, type Snapshot, takeSnapshot } from './snapshot';

/** Usage revenue of the demo product: e.g. deep research runs are sold at a fixed price each. */
export const DEMO_REVENUE_RULES: readonly RevenueRule[] = Object.entries(USAGE_PRICE_PER_USE).map(
  ([feature, usd]) => ({ kind: 'per_use', feature, usd: usd ?? 0, revenueType: 'usage' }),
);

export interface DriverOptions {
  scenario: Scenario;
  /** prom-client Registry the processor registers its metrics in. */
  registry: MetricsJsonSource & { registerMetric(metric: unknown): void };
  meterProvider: MeterProvider;
  /** Calls in flight at once. */
  concurrency: number;
  onProgress?: (done: number, month: string) => void;
}

export interface DriverResult {
  snapshots: Snapshot[];
  /** Instant (epoch ms) of each snapshot: the last millisecond of its simulated month. */
  monthEnds: number[];
  calls: number;
  /** Calls the SDK reported as failed (should be 0). */
  failedCalls: number;
  firstError?: string;
  processor: MarginSpanProcessor;
  /** Shuts the processor and tracing down (after any last metric reads, e.g. `--serve`). */
  close(): Promise<void>;
}

/** The customer directory the demo's billing system would hold. */
export function customerDirectory(customers: readonly DemoCustomer[]) {
  return customers.map((c) => ({
    id: c.id,
    plan: c.plan,
    mrrUsd: c.mrrUsd,
    signupDate: c.signupAt,
    segment: c.plan === 'enterprise' ? 'enterprise' : c.plan === 'pro' ? 'mid-market' : 'smb',
  }));
}

/** The reply the simulator sends for a scenario call, in neutral usage terms. */
export function replyFor(call: DemoCall): SimReply {
  const u = call.usage;
  return {
    text: 'ok',
    usage: {
      input: u.input,
      cacheRead: u.cacheRead,
      cacheWrite5m: u.cacheWrite5m,
      // Simulator convention: output includes reasoning.
      output: u.output + u.reasoning,
      reasoning: u.reasoning,
    },
    ...(call.responseModel ? { responseModel: call.responseModel } : {}),
    ...(call.feature === 'embed' ? { dimensions: 8 } : {}),
  };
}

const CALL_TAG = /demo-call:(\d+)/;

function prompt(call: DemoCall): string {
  return `demo-call:${call.id} ${call.feature} request from ${call.customerId}`;
}

/** Loaded SDK clients, pointed at the simulator. */
interface Clients {
  openai: OpenAI;
  anthropic: Anthropic;
  gemini: GoogleGenAI;
  bedrock: BedrockRuntimeClient;
  ConverseCommand: typeof ConverseCommand;
}

async function invoke(clients: Clients, call: DemoCall): Promise<void> {
  const text = prompt(call);
  switch (call.provider) {
    case 'openai': {
      if (call.feature === 'embed') {
        await clients.openai.embeddings.create({ model: call.model, input: text });
      } else if (call.feature === 'research') {
        await clients.openai.responses.create({ model: call.model, input: text });
      } else if (call.id % 2 === 0) {
        // Half the chat traffic streams, with usage in the final chunk.
        const stream = await clients.openai.chat.completions.create({
          model: call.model,
          messages: [{ role: 'user', content: text }],
          stream: true,
          stream_options: { include_usage: true },
        });
        for await (const _chunk of stream) {
          // drain
        }
      } else {
        await clients.openai.chat.completions.create({
          model: call.model,
          messages: [{ role: 'user', content: text }],
        });
      }
      return;
    }
    case 'anthropic':
      await clients.anthropic.messages.create({
        model: call.model,
        max_tokens: 4096,
        system: [{ type: 'text', text: 'Summarise.', cache_control: { type: 'ephemeral' } }],
        messages: [{ role: 'user', content: text }],
      });
      return;
    case 'gcp.gemini':
      await clients.gemini.models.generateContent({ model: call.model, contents: text });
      return;
    case 'aws.bedrock':
      await clients.bedrock.send(
        new clients.ConverseCommand({
          modelId: call.model,
          messages: [{ role: 'user', content: [{ text }] }],
        }),
      );
      return;
  }
}

/** Runs every call of the scenario, month by month, and snapshots the metrics at each month end. */
export async function runScenario(opts: DriverOptions): Promise<DriverResult> {
  const { scenario } = opts;
  const sim = await startProviderSim({
    script: (simCall: SimCall): SimReply => {
      const match = CALL_TAG.exec(JSON.stringify(simCall.body ?? ''));
      const call = match ? scenario.calls[Number(match[1])] : undefined;
      return call ? replyFor(call) : { errorStatus: 400 };
    },
  });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  const ownsContextManager = context.setGlobalContextManager(contextManager);
  let simNow = scenario.months[0]?.start ?? Date.now();
  const processor = new MarginSpanProcessor({
    registry: opts.registry,
    meterProvider: opts.meterProvider,
    customers: customerDirectory(scenario.customers),
    revenueRules: DEMO_REVENUE_RULES,
    clock: () => simNow,
  });
  const tracerProvider = new TracerProvider({ spanProcessors: [processor] });
  const tracing = new SimulatedTimeTracerProvider(tracerProvider);
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await tracerProvider.shutdown();
    if (ownsContextManager) context.disable();
    else contextManager.disable();
  };
  const patched: { instrumentation: InstrumentationBase; mod: unknown }[] = [];

  const snapshots: Snapshot[] = [];
  const monthEnds: number[] = [];
  let done = 0;
  let failedCalls = 0;
  let firstError: string | undefined;
  try {
    // The AWS SDK warns on Node < 22 about its own future releases; irrelevant to a simulated
    // Bedrock, and it would sit on top of the demo's output. A user's explicit setting wins.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    const [openaiMod, anthropicMod, genaiMod, bedrockMod, smithyHttp] = await Promise.all([
      import('openai'),
      import('@anthropic-ai/sdk'),
      import('@google/genai'),
      import('@aws-sdk/client-bedrock-runtime'),
      import('@smithy/node-http-handler'),
    ]);
    // Patched through manuallyInstrument: the SDKs are already loaded (and may be ESM), so the
    // require/import hooks would come too late.
    const targets = [
      [new OpenAIInstrumentation(), openaiMod],
      [new AnthropicInstrumentation(), anthropicMod],
      [new GoogleGenAIInstrumentation(), genaiMod],
      [new BedrockRuntimeInstrumentation(), bedrockMod],
    ] as const;
    for (const [instrumentation, mod] of targets) {
      instrumentation.setTracerProvider(tracing);
      instrumentation.manuallyInstrument(mod);
      patched.push({ instrumentation, mod });
    }

    const clients: Clients = {
      openai: new openaiMod.OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'demo', maxRetries: 0 }),
      anthropic: new anthropicMod.Anthropic({ baseURL: sim.url, apiKey: 'demo', maxRetries: 0 }),
      gemini: new genaiMod.GoogleGenAI({ apiKey: 'demo', httpOptions: { baseUrl: sim.url } }),
      bedrock: new bedrockMod.BedrockRuntimeClient({
        region: 'us-east-1',
        endpoint: sim.url,
        credentials: { accessKeyId: 'demo', secretAccessKey: 'demo' },
        maxAttempts: 1,
        // The Bedrock runtime client defaults to HTTP/2; the simulator speaks HTTP/1.1.
        requestHandler: new smithyHttp.NodeHttpHandler(),
      }),
      ConverseCommand: bedrockMod.ConverseCommand,
    };

    for (const [monthIdx, month] of scenario.months.entries()) {
      simNow = month.start;
      const calls = scenario.calls.filter((c) => c.month === monthIdx);
      await runPool(calls, opts.concurrency, async (call) => {
        try {
          await withAttribution({ customerId: call.customerId, feature: call.feature }, () =>
            withSimulatedTime(call.at, () => invoke(clients, call)),
          );
        } catch (err) {
          failedCalls += 1;
          firstError ??= `${call.provider}/${call.model}: ${err instanceof Error ? err.message : String(err)}`;
        }
        done += 1;
        opts.onProgress?.(done, month.key);
      });
      // A scrape at the last millisecond of the month: age and cohort as of that instant.
      simNow = month.end - 1;
      monthEnds.push(simNow);
      snapshots.push(await takeSnapshot(opts.registry, month.key));
    }
  } catch (err) {
    await close();
    throw err;
  } finally {
    // Undo the patches (not every instrumentation offers it yet): a second in-process run or a
    // test must not find the SDKs still wrapped.
    for (const { instrumentation, mod } of patched) {
      const undo = (instrumentation as { manuallyUninstrument?: (m: unknown) => void })
        .manuallyUninstrument;
      undo?.call(instrumentation, mod);
      instrumentation.disable();
    }
    await sim.close();
  }
  return {
    snapshots,
    monthEnds,
    calls: done,
    failedCalls,
    ...(firstError ? { firstError } : {}),
    processor,
    close,
  };
}

/** Sum of one OTel instrument's data points at collection (cross-check of the OTel path). */
export async function otelTotal(reader: MetricReader, instrumentName: string): Promise<number> {
  const { resourceMetrics } = await reader.collect();
  let total = 0;
  for (const scope of resourceMetrics.scopeMetrics) {
    for (const metric of scope.metrics) {
      if (metric.descriptor.name !== instrumentName) continue;
      for (const dp of metric.dataPoints) {
        if (typeof dp.value === 'number') total += dp.value;
      }
    }
  }
  return total;
}
