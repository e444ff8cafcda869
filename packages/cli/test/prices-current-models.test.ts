/**
 * `ai-margin prices cost` on a current (2026) model across a dated price change. Expected costs
 * are hand-written arithmetic on the provider's published prices (Claude Sonnet 5: 2/0.2/10 per
 * 1M until 2026-09-01, then 3/0.3/15).
 */
import { describe, expect, it } from 'vitest';
import { main } from '../src/main';

describe('current models: ai-margin prices cost', () => {
  it('prices Claude Sonnet 5 before and after the end of its introductory price', async () => {
    const run1 = async (when: string) => {
      let out = '';
      const code = await main(
        [
          'prices',
          'cost',
          '--provider',
          'anthropic',
          '--model',
          'claude-sonnet-5',
          '--at',
          when,
          '--input',
          '30000',
          '--cache-read',
          '20000',
          '--output',
          '2000',
          '--json',
        ],
        { stdout: (s: string) => (out += s), stderr: (s: string) => (out += s), isTTY: false },
      );
      return { code, json: JSON.parse(out) as { costUsd: number } };
    };
    const before = await run1('2026-08-31T23:59:59.999Z');
    const after = await run1('2026-09-01T00:00:00Z');
    expect(before.code).toBe(0);
    expect(after.code).toBe(0);
    // --input is total input (cache reads included): 10,000 uncached + 20,000 cache reads.
    expect(
      Math.abs(before.json.costUsd - ((10000 * 2) / 1e6 + (20000 * 0.2) / 1e6 + (2000 * 10) / 1e6)),
    ).toBeLessThan(1e-9);
    expect(
      Math.abs(after.json.costUsd - ((10000 * 3) / 1e6 + (20000 * 0.3) / 1e6 + (2000 * 15) / 1e6)),
    ).toBeLessThan(1e-9);
  });
});
