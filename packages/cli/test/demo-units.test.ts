/**
 * The demo's building blocks: the expectation model against hand-computed figures, the
 * scenario's determinism and shape, option parsing, and the terminal report's layout.
 */
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { parseDemoOptions } from '../src/demo/options';
import type { DemoReport } from '../src/demo/report-model';
import { type DemoCall, generateScenario } from '../src/demo/scenario';
import { SimulatedTimeTracerProvider, withSimulatedTime } from '../src/demo/simulated-time';
import { renderTerminalReport } from '../src/demo/terminal-report';
import { expectedCallCost } from './helpers/expectation';

function call(partial: Partial<DemoCall>): DemoCall {
  return {
    id: 0,
    month: 0,
    at: Date.parse('2025-06-01T00:00:00Z'),
    customerId: 'c',
    feature: 'research',
    provider: 'openai',
    model: 'o3',
    usage: { input: 0, cacheRead: 0, cacheWrite5m: 0, output: 0, reasoning: 0 },
    ...partial,
  };
}

describe('expectation model (hand-computed)', () => {
  const usage = {
    input: 1_000_000,
    cacheRead: 200_000,
    cacheWrite5m: 0,
    output: 100_000,
    reasoning: 50_000,
  };
  it('prices o3 before and after the 2025-06-10 cut', () => {
    // 1M x $10 + 0.2M x $2.50 + 0.15M x $40 = 10 + 0.5 + 6
    expect(
      expectedCallCost(call({ at: Date.parse('2025-06-09T23:59:59.999Z'), usage })),
    ).toBeCloseTo(16.5, 12);
    // 1M x $2 + 0.2M x $0.50 + 0.15M x $8 = 2 + 0.1 + 1.2
    expect(expectedCallCost(call({ at: Date.parse('2025-06-10T00:00:00Z'), usage }))).toBeCloseTo(
      3.3,
      12,
    );
  });

  it('bills a whole gemini-2.5-pro request at the long-context rate past 200k input', () => {
    const base = {
      provider: 'gcp.gemini' as const,
      model: 'gemini-2.5-pro',
      feature: 'summarise' as const,
    };
    // 150k + 50k = 200k: not above the cliff. 150k x 1.25 + 50k x 0.125 + 10k x 10
    expect(
      expectedCallCost(
        call({
          ...base,
          usage: {
            input: 150_000,
            cacheRead: 50_000,
            cacheWrite5m: 0,
            output: 10_000,
            reasoning: 0,
          },
        }),
      ),
    ).toBeCloseTo(0.1875 + 0.00625 + 0.1, 12);
    // 150k + 50,001: above. 150k x 2.5 + 50,001 x 0.25 + 10k x 15
    expect(
      expectedCallCost(
        call({
          ...base,
          usage: {
            input: 150_000,
            cacheRead: 50_001,
            cacheWrite5m: 0,
            output: 10_000,
            reasoning: 0,
          },
        }),
      ),
    ).toBeCloseTo(0.375 + 0.01250025 + 0.15, 12);
  });

  it('prices Anthropic cache writes and reads apart, and leaves unknown models unpriced', () => {
    const u = {
      input: 100_000,
      cacheRead: 400_000,
      cacheWrite5m: 50_000,
      output: 20_000,
      reasoning: 0,
    };
    // 0.1M x 0.80 + 0.4M x 0.08 + 0.05M x 1.00 + 0.02M x 4
    expect(
      expectedCallCost(
        call({ provider: 'anthropic', model: 'claude-3-5-haiku-20241022', usage: u }),
      ),
    ).toBeCloseTo(0.08 + 0.032 + 0.05 + 0.08, 12);
    expect(expectedCallCost(call({ model: 'acme-llama-3.1-70b-ft', usage: u }))).toBeNull();
  });
});

describe('scenario', () => {
  it('is reproducible from its seed and changes with it', () => {
    const a = generateScenario({ seed: 5, customers: 30 });
    const b = generateScenario({ seed: 5, customers: 30 });
    const c = generateScenario({ seed: 6, customers: 30 });
    expect(b).toEqual(a);
    expect(c.calls).not.toEqual(a.calls);
  });

  it('has the patterns the report must show, at the default size', () => {
    const s = generateScenario({ seed: 42, customers: 300 });
    expect(s.customers).toHaveLength(300);
    expect(new Set(s.customers.map((c) => c.plan))).toEqual(
      new Set(['starter', 'team', 'pro', 'enterprise']),
    );
    expect(new Set(s.calls.map((c) => c.provider))).toEqual(
      new Set(['openai', 'anthropic', 'gcp.gemini', 'aws.bedrock']),
    );
    expect(new Set(s.calls.map((c) => c.feature))).toEqual(
      new Set(['chat', 'summarise', 'search', 'embed', 'research']),
    );
    expect(s.customers.filter((c) => c.segment === 'long-context')).toHaveLength(1);
    expect(s.calls.some((c) => c.usage.cacheRead > 0)).toBe(true);
    expect(s.calls.some((c) => c.usage.cacheWrite5m > 0)).toBe(true);
    // Every call lies inside its month and after its customer's signup.
    const signup = new Map(s.customers.map((c) => [c.id, Date.parse(c.signupAt)]));
    for (const c of s.calls) {
      const m = s.months[c.month];
      expect(c.at >= (m?.start ?? 0) && c.at < (m?.end ?? 0)).toBe(true);
      expect(c.at).toBeGreaterThanOrEqual(signup.get(c.customerId) ?? 0);
    }
    // Modest size: the default run must finish well inside a minute.
    expect(s.calls.length).toBeLessThan(9_000);
  });
});

describe('options', () => {
  it('parses flags and rejects bad input by name', () => {
    expect(parseDemoOptions([])).toMatchObject({ seed: 42, customers: 300, json: false });
    expect(
      parseDemoOptions(['--seed=9', '--customers', '12', '--html', 'r.html', '--serve']),
    ).toMatchObject({
      seed: 9,
      customers: 12,
      html: 'r.html',
      serve: 9464,
    });
    expect(parseDemoOptions(['--serve', '0', '--json'])).toMatchObject({ serve: 0, json: true });
    expect(() => parseDemoOptions(['--customers', '0'])).toThrow(
      /--customers needs an integer >= 1 \(got '0'\)/,
    );
    expect(() => parseDemoOptions(['--otlp', 'localhost:4318'])).toThrow(/--otlp needs an http/);
    expect(() => parseDemoOptions(['--frobnicate'])).toThrow(/unknown option '--frobnicate'/);
  });
});

describe('terminal report', () => {
  const report: DemoReport = {
    months: ['2025-05', '2025-06'],
    totals: {
      revenueUsd: 300,
      subscriptionRevenueUsd: 290,
      usageRevenueUsd: 10,
      costUsd: 180,
      marginUsd: 120,
      marginPct: 40,
      customers: 2,
      requests: 10,
      unpricedRequests: 0,
    },
    customers: [],
    underWater: [
      {
        customerId: 'acme-legal',
        plan: 'team',
        cohort: '2025-04',
        segment: 'smb',
        revenueUsd: 100,
        costUsd: 150,
        marginUsd: -50,
        marginPct: -50,
        requests: 4,
        tokens: 2_500_000,
        inputTokensPerRequest: 600_000,
        topModel: {
          provider: 'gcp.gemini',
          model: 'gemini-2.5-pro',
          feature: 'summarise',
          share: 0.9,
        },
        monthlyCostUsd: [70, 80],
        monthlyRevenueUsd: [50, 50],
        why: ['cost is 1.50x revenue on the team plan'],
      },
    ],
    histogram: [
      { fromPct: Number.NEGATIVE_INFINITY, toPct: 0, label: '< 0%', customers: 1 },
      { fromPct: 0, toPct: 100, label: '0..100%', customers: 1 },
    ],
    concentration: { topCustomers: 1, topCostShare: 0.8333 },
    models: [],
    features: [],
    ageMonths: [],
    cohorts: [],
    monthly: [],
    priceChanges: [],
    unpriced: [],
  };

  it('aligns money right and names the customers under water with the reason', () => {
    const text = renderTerminalReport(report, {
      seed: 1,
      calls: 10,
      wallMs: 1234,
      providers: ['openai'],
    });
    expect(text).toContain('May 2025 to Jun 2025 (2 months)');
    expect(text).toMatch(/^ {2}Revenue +\$300\.00$/m);
    expect(text).toMatch(/^ {2}Cost to serve \(LLM\) +\$180\.00$/m);
    expect(text).toMatch(/^ {2}Contribution margin % +40\.0%$/m);
    expect(text).toMatch(
      /acme-legal +team +\$100\.00 +\$150\.00 +-\$50\.00 +-50\.0% +2\.5M +gemini-2\.5-pro \(summarise\)/,
    );
    expect(text).toContain('- acme-legal: cost is 1.50x revenue on the team plan');
    expect(text).toContain('Top 20% of customers (1) share of cost');
    expect(text).toContain('none: every call was priced');
  });
});

describe('simulated time', () => {
  it('starts spans at the instant the context carries, across awaits, and ends them after it', async () => {
    const manager = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(manager);
    try {
      const exporter = new InMemorySpanExporter();
      const real = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
      const tracer = new SimulatedTimeTracerProvider(real).getTracer('t');
      const at = Date.parse('2025-06-09T23:59:59.500Z');
      await withSimulatedTime(at, async () => {
        await new Promise((r) => setTimeout(r, 5));
        tracer.startSpan('inside').end();
        tracer.startActiveSpan('active', (span) => span.end());
      });
      tracer.startSpan('outside').end();
      const byName = new Map(exporter.getFinishedSpans().map((s) => [s.name, s]));
      const ms = (t: [number, number]) => t[0] * 1000 + t[1] / 1e6;
      for (const name of ['inside', 'active']) {
        const span = byName.get(name);
        expect(ms(span?.startTime ?? [0, 0]), name).toBeCloseTo(at, 3);
        const duration = ms(span?.duration ?? [0, 0]);
        expect(duration).toBeGreaterThanOrEqual(0);
        expect(duration).toBeLessThan(1_000);
      }
      expect(Math.abs(ms(byName.get('outside')?.startTime ?? [0, 0]) - Date.now())).toBeLessThan(
        5_000,
      );
      await real.shutdown();
    } finally {
      context.disable();
    }
  });
});
