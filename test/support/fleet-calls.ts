/**
 * A small, hand-priced set of GenAI calls for the remote-write and scrape-label tests, fed to the
 * real MarginSpanProcessor in process (spans through a real TracerProvider).
 *
 * Two phases: PRIME calls create every series the test reads (each customer / feature / model and
 * each token bucket), WINDOW calls add to them. Window totals (phase 2 only) are exact on both
 * Prometheus and VictoriaMetrics when the window runs from a sample taken after the prime calls to
 * a sample taken after the window calls: no series starts inside it, and no extrapolation applies.
 *
 * Every expected figure below is written out by hand from PRICES (USD per 1M tokens).
 */
import { ATTR_AI_MARGIN_CUSTOMER_ID, ATTR_AI_MARGIN_FEATURE } from '@ai-margin/conventions';
import {
  MarginSpanProcessor,
  type MarginSpanProcessorConfig,
  PriceBook,
  type RevenueRule,
} from '@ai-margin/processor';
import { SpanKind } from '@opentelemetry/api';
import { TracerProvider } from '@opentelemetry/sdk-trace';

/** USD per 1M tokens; `input` is uncached input. */
export const PRICES = {
  'test-gpt': { input: 2, cacheRead: 0.5, output: 8 },
  'test-claude': { input: 3, output: 15 },
} as const;

const PRICE_FILE = {
  providers: [
    {
      provider: 'openai',
      currency: 'USD',
      models: [
        {
          id: 'test-gpt',
          periods: [
            { effectiveFrom: '2025-01-01T00:00:00Z', prices: PRICES['test-gpt'], source: 'test' },
          ],
        },
      ],
    },
    {
      provider: 'anthropic',
      currency: 'USD',
      models: [
        {
          id: 'test-claude',
          periods: [
            {
              effectiveFrom: '2025-01-01T00:00:00Z',
              prices: PRICES['test-claude'],
              source: 'test',
            },
          ],
        },
      ],
    },
  ],
};

export const CUSTOMERS = [
  { id: 'acme', plan: 'pro', mrrUsd: 300, signupDate: '2026-01-15', segment: 'enterprise' },
  { id: 'globex', plan: 'starter', mrrUsd: 30, signupDate: '2026-06-01', segment: 'smb' },
];

export const REVENUE_RULES: RevenueRule[] = [
  { kind: 'per_use', feature: 'search', usd: 0.002 },
  { kind: 'per_token', feature: 'chat', usdPerMillion: 20, tokenTypes: ['output'] },
];

export interface FleetCall {
  customer: string;
  feature: string;
  provider: 'openai' | 'anthropic';
  model: keyof typeof PRICES;
  /** gen_ai.usage.input_tokens: includes the cache reads (semconv). */
  input: number;
  cacheRead: number;
  output: number;
}

const call = (
  customer: string,
  feature: string,
  model: keyof typeof PRICES,
  input: number,
  cacheRead: number,
  output: number,
): FleetCall => ({
  customer,
  feature,
  provider: model === 'test-claude' ? 'anthropic' : 'openai',
  model,
  input,
  cacheRead,
  output,
});

export const PRIME_CALLS: FleetCall[] = [
  call('acme', 'chat', 'test-gpt', 100, 10, 10),
  call('acme', 'search', 'test-claude', 50, 0, 5),
  call('globex', 'chat', 'test-gpt', 20, 5, 2),
];

export const WINDOW_CALLS: FleetCall[] = [
  call('acme', 'chat', 'test-gpt', 12_000, 2_000, 3_000),
  call('acme', 'chat', 'test-gpt', 8_000, 0, 1_000),
  call('acme', 'search', 'test-claude', 40_000, 0, 500),
  call('globex', 'chat', 'test-gpt', 5_000, 1_000, 800),
];

/**
 * Cumulative counters after both phases (hand-computed):
 *   acme/chat/test-gpt:      prime 90*2 + 10*0.5 + 10*8 = 265e-6; window 45_000e-6 + 24_000e-6
 *   acme/search/test-claude: prime 50*3 + 5*15 = 225e-6;          window 40_000*3 + 500*15 = 127_500e-6
 *   globex/chat/test-gpt:    prime 15*2 + 5*0.5 + 2*8 = 48.5e-6;  window 4_000*2 + 1_000*0.5 + 800*8 = 14_900e-6
 * (window acme chat: 10_000*2 + 2_000*0.5 + 3_000*8 = 45_000e-6 and 8_000*2 + 1_000*8 = 24_000e-6)
 */
export const TOTALS = {
  /** ai_margin_cost_usd_total by customer|feature|model. */
  cost: {
    'acme|chat|test-gpt': 0.069265,
    'acme|search|test-claude': 0.127725,
    'globex|chat|test-gpt': 0.0149485,
  },
  /** ai_margin_tokens_total by customer|feature|token_type. */
  tokens: {
    'acme|chat|input': 18_090,
    'acme|chat|cache_read': 2_010,
    'acme|chat|output': 4_010,
    'acme|search|input': 40_050,
    'acme|search|output': 505,
    'globex|chat|input': 4_015,
    'globex|chat|cache_read': 1_005,
    'globex|chat|output': 802,
  },
  /** ai_margin_requests_total by customer|feature|priced. */
  requests: { 'acme|chat|true': 3, 'acme|search|true': 2, 'globex|chat|true': 2 },
  /**
   * ai_margin_revenue_usd_total by customer|feature: chat = output tokens * 20/1M
   * (acme 4_010, globex 802), search = 0.002 per call (acme 2 calls).
   */
  revenue: { 'acme|chat': 0.0802, 'acme|search': 0.004, 'globex|chat': 0.01604 },
  mrr: { acme: 300, globex: 30 },
} as const;

/** The WINDOW_CALLS alone (what `increase()` over the window must give). */
export const WINDOW = {
  cost: { acme: 0.045 + 0.024 + 0.1275, globex: 0.0149 },
  /** acme: (3_000 + 1_000) * 20/1M + 0.002; globex: 800 * 20/1M. */
  usageRevenue: { acme: 0.082, globex: 0.016 },
  costByModel: { 'openai|test-gpt': 0.045 + 0.024 + 0.0149, 'anthropic|test-claude': 0.1275 },
  costByFeature: { chat: 0.045 + 0.024 + 0.0149, search: 0.1275 },
  requestsByFeature: { chat: 3, search: 1 },
} as const;

/** Seconds in the catalog's month: MRR earned in a window is MRR * seconds / MONTH. */
export const MONTH_SECONDS = 2_592_000;

export interface FleetProcessor {
  processor: MarginSpanProcessor;
  /** Ends one span per call, now. */
  run(calls: readonly FleetCall[]): void;
  shutdown(): Promise<void>;
}

/** The real processor with this file's prices, customers and revenue rules; `config` adds sinks. */
export function fleetProcessor(config: MarginSpanProcessorConfig): FleetProcessor {
  const processor = new MarginSpanProcessor({
    prices: PriceBook.load({
      userFiles: [{ name: 'fleet-prices.json', data: PRICE_FILE }],
      includeShipped: false,
    }),
    customers: CUSTOMERS,
    revenueRules: REVENUE_RULES,
    ...config,
  });
  const provider = new TracerProvider({ spanProcessors: [processor] });
  const tracer = provider.getTracer('fleet-test');
  return {
    processor,
    run(calls) {
      for (const c of calls) {
        const span = tracer.startSpan(`chat ${c.model}`, {
          kind: SpanKind.CLIENT,
          attributes: {
            'gen_ai.operation.name': 'chat',
            'gen_ai.provider.name': c.provider,
            'gen_ai.request.model': c.model,
            'gen_ai.usage.input_tokens': c.input,
            'gen_ai.usage.output_tokens': c.output,
            ...(c.cacheRead > 0 ? { 'gen_ai.usage.cache_read.input_tokens': c.cacheRead } : {}),
            [ATTR_AI_MARGIN_CUSTOMER_ID]: c.customer,
            [ATTR_AI_MARGIN_FEATURE]: c.feature,
          },
        });
        span.end();
      }
    },
    async shutdown() {
      await provider.shutdown();
    },
  };
}
