// Attack: input that makes a warning per event. Each kind of diag warning is bounded per
// interval, with a count of what was not logged (issue 13, break 5).

import { MarginSpanProcessor } from '@ai-margin/processor';
import { type DiagLogger, DiagLogLevel, diag } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { callSpan, drive } from './helpers/hardening';
import { testBook } from './helpers/processor';

function captureDiag(): string[] {
  const lines: string[] = [];
  const push = (msg: string) => {
    lines.push(msg);
  };
  const logger: DiagLogger = { error: push, warn: push, info: push, debug() {}, verbose() {} };
  diag.setLogger(logger, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
  return lines;
}

describe('rate-limited diagnostics', () => {
  afterEach(() => diag.disable());

  it('1,000,000 distinct unknown models make at most 10 warn lines a minute, then say how many were not logged', () => {
    const lines = captureDiag();
    let now = Date.UTC(2025, 7, 1);
    const p = new MarginSpanProcessor({
      prices: testBook(),
      meterProvider: false,
      clock: () => now,
    });
    const N = 1_000_000;
    const started = performance.now();
    const span = callSpan('acme', 'chat');
    for (let i = 0; i < N; i++) {
      span.attributes['gen_ai.request.model'] = `unknown-${i}`;
      delete span.attributes['ai_margin.unpriced.reason'];
      drive(p, span);
    }
    const seconds = (performance.now() - started) / 1000;
    const unpricedLines = lines.filter((l) => l.includes('cannot price'));
    expect(unpricedLines.length).toBeLessThanOrEqual(10);
    // A minute later, the next line reports the count of lines that were not logged.
    now += 60_000;
    span.attributes['gen_ai.request.model'] = 'one-more';
    drive(p, span);
    const last = lines.at(-1) ?? '';
    expect(last).toMatch(/cannot price openai\/one-more/);
    expect(last).toMatch(/\(999990 more unpriced warnings were not logged\)/);
    console.log(
      `${N} unknown models: ${unpricedLines.length} warn lines in ${seconds.toFixed(1)} s`,
    );
  }, 30_000);

  it('invalid revenue events and rejected amounts are bounded the same way, and flushed at shutdown', async () => {
    const lines = captureDiag();
    const p = new MarginSpanProcessor({ prices: testBook(), meterProvider: false });
    for (let i = 0; i < 10_000; i++) {
      // biome-ignore lint/suspicious/noExplicitAny: deliberately malformed input
      p.recordRevenue({ customerId: 5, usd: 1 } as any);
      p.recordRevenue({ customerId: 'c', usd: 1e300, type: 't', idempotencyKey: `${i}` });
    }
    expect(lines.length).toBeLessThanOrEqual(20);
    await p.shutdown();
    expect(lines.some((l) => /9990 more record_revenue warnings were not logged/.test(l))).toBe(
      true,
    );
    expect(
      lines.some((l) => /9990 more rejected_revenue_event warnings were not logged/.test(l)),
    ).toBe(true);
  });
});
