// Shared helpers of the hardening (attack and property) tests: a minimal span driven through the
// processor's hooks, so hundreds of thousands of spans run in a few seconds.

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { MarginSpanProcessor } from '@ai-margin/processor';
import { type Context, ROOT_CONTEXT } from '@opentelemetry/api';
import { AFTER } from './processor';

export interface FakeSpan {
  name: string;
  startTime: [number, number];
  attributes: Record<string, unknown>;
  spanContext(): { traceId: string; spanId: string; traceFlags: number };
  setAttribute(key: string, value: unknown): FakeSpan;
}

const CONTEXT = { traceId: '0'.repeat(32), spanId: '1'.repeat(16), traceFlags: 1 };

export function fakeSpan(attributes: Record<string, unknown>, name = 'chat'): FakeSpan {
  return {
    name,
    startTime: [Math.floor(AFTER / 1000), 0],
    attributes,
    spanContext: () => CONTEXT,
    setAttribute(key, value) {
      attributes[key] = value;
      return this;
    },
  };
}

/** A priced call of `test-model-a` (or an unknown model: unpriced) for a customer and feature. */
export function callSpan(customer: string, feature: string, model = 'test-model-a'): FakeSpan {
  return fakeSpan({
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': model,
    'gen_ai.usage.input_tokens': 100,
    'gen_ai.usage.output_tokens': 10,
    'ai_margin.customer_id': customer,
    'ai_margin.feature': feature,
  });
}

/** Runs a span through onStart, onEnding and onEnd, as the SDK does. */
export function drive(p: MarginSpanProcessor, span: FakeSpan, ctx: Context = ROOT_CONTEXT): void {
  // biome-ignore lint/suspicious/noExplicitAny: structural stand-in for an SDK span
  const s = span as any;
  p.onStart(s, ctx);
  p.onEnding(s);
  p.onEnd(s);
}

// A full GC before each heap reading, so "flat heap" compares live data, not garbage.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Heap in use after a full collection, in MB. */
export function heapMb(): number {
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

/** Number of samples per metric name in parsed exposition samples. */
export function countByName(samples: ReadonlyArray<{ name: string }>): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of samples) out.set(s.name, (out.get(s.name) ?? 0) + 1);
  return out;
}
