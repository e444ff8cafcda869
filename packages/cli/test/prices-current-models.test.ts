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

  it('prices Claude on Vertex AI and Bedrock Nova 2 Pro (LiteLLM-sourced) by hand-written figures', async () => {
    const cost = async (provider: string, model: string, when: string) => {
      let out = '';
      const code = await main(
        ['prices', 'cost', '--provider', provider, '--model', model, '--at', when].concat([
          '--input',
          '30000',
          '--cache-read',
          '20000',
          '--output',
          '2000',
          '--json',
        ]),
        { stdout: (s: string) => (out += s), stderr: (s: string) => (out += s), isTTY: false },
      );
      expect(code, out).toBe(0);
      return (JSON.parse(out) as { costUsd: number }).costUsd;
    };
    // vertex_ai/claude-sonnet-5 2 / 0.2 / 10 until 2026-09-01, Anthropic's 3 / 0.3 / 15 after.
    const before = await cost(
      'gcp.vertex_ai',
      'claude-sonnet-5@default',
      '2026-08-31T23:59:59.999Z',
    );
    const after = await cost('gcp.vertex_ai', 'claude-sonnet-5', '2026-09-01T00:00:00Z');
    expect(Math.abs(before - (10000 * 2 + 20000 * 0.2 + 2000 * 10) / 1e6)).toBeLessThan(1e-9);
    expect(Math.abs(after - (10000 * 3 + 20000 * 0.3 + 2000 * 15) / 1e6)).toBeLessThan(1e-9);
    // amazon.nova-2-pro-preview-20251202-v1:0: 2.1875 / read 0.546875 / 17.5.
    const nova = await cost(
      'aws.bedrock',
      'us.amazon.nova-2-pro-preview-20251202-v1:0',
      '2026-12-01T00:00:00Z',
    );
    expect(Math.abs(nova - (10000 * 2.1875 + 20000 * 0.546875 + 2000 * 17.5) / 1e6)).toBeLessThan(
      1e-9,
    );
  });
});
