/**
 * `ai-margin prices` through `main([...], io)`, against a hand-written user price file (model ids
 * that the shipped book does not have, so shipped data cannot change the expected numbers).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CommandIO } from '../src/io';
import { main } from '../src/main';

const PRICES = {
  providers: [
    {
      provider: 'openai',
      currency: 'USD',
      models: [
        {
          id: 'cli-test-model-2025-01-01',
          aliases: ['cli-test-model'],
          periods: [
            {
              effectiveFrom: '2025-01-01',
              prices: { input: 2, output: 8, cacheRead: 0.5 },
              serviceTiers: { batch: 0.5 },
              source: 'cli test: launch',
            },
            {
              effectiveFrom: '2025-06-10T00:00:00Z',
              prices: {
                input: 1,
                output: 4,
                cacheRead: 0.25,
                cacheWrite5m: 1.25,
                cacheWrite1h: 2,
                reasoning: 6,
              },
              tiers: [{ aboveInputTokens: 200000, prices: { input: 3, output: 12 } }],
              serviceTiers: { batch: 0.5 },
              source: 'cli test: cut',
            },
          ],
        },
      ],
    },
    {
      provider: 'aws.bedrock',
      currency: 'USD',
      models: [
        {
          id: 'anthropic.cli-test-v1:0',
          periods: [
            {
              effectiveFrom: '2025-01-01',
              prices: { input: 10, output: 20 },
              regionalUplift: 1.1,
              source: 'cli test',
            },
          ],
        },
      ],
    },
  ],
  discounts: [
    { provider: 'openai', model: 'cli-test-model', percent: 25, effectiveFrom: '2026-01-01' },
  ],
};

let dir: string;
let pricesFile: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ai-margin-cli-prices-'));
  pricesFile = join(dir, 'prices.json');
  writeFileSync(pricesFile, JSON.stringify(PRICES));
});

async function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CommandIO = {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    isTTY: false,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

const costArgs = (...extra: string[]) => [
  'prices',
  'cost',
  '--provider',
  'openai',
  '--model',
  'cli-test-model',
  '--prices',
  pricesFile,
  '--json',
  ...extra,
];

describe('ai-margin prices cost', () => {
  it('prices a call at the period in force and prints one JSON object', async () => {
    const r = await run(
      ...costArgs('--at', '2025-06-09T23:59:59Z', '--input', '1000000', '--output', '500000'),
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.costUsd).toBeCloseTo(6, 9); // 1e6*2/1e6 + 5e5*8/1e6 = 2 + 4
    expect(out.period).toMatchObject({
      id: 'openai/cli-test-model-2025-01-01@2025-01-01T00:00:00.000Z',
      effectiveFrom: '2025-01-01T00:00:00.000Z',
      effectiveTo: '2025-06-10T00:00:00.000Z',
      source: 'cli test: launch',
    });
    expect(out.breakdown).toEqual({
      input: 2,
      cacheRead: 0,
      cacheWrite5m: 0,
      cacheWrite1h: 0,
      cacheWrite30m: 0,
      cacheWrite12h: 0,
      output: 4,
      reasoning: 0,
    });
    expect(out.resolvedModel).toBe('cli-test-model-2025-01-01');
  });

  it('--input includes cache reads and writes; --output includes reasoning', async () => {
    const r = await run(
      ...costArgs(
        '--at',
        '2025-07-01T00:00:00Z',
        '--input',
        '10000',
        '--cache-read',
        '4000',
        '--cache-write',
        '1000',
        '--cache-write-1h',
        '500',
        '--output',
        '2000',
        '--reasoning',
        '500',
      ),
    );
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    // uncached 4500*1=0.0045 ; read 4000*0.25=0.001 ; 5m 1000*1.25=0.00125 ; 1h 500*2=0.001 ;
    // output 1500*4=0.006 ; reasoning 500*6=0.003  -> 0.01675
    expect(out.breakdown.input).toBeCloseTo(0.0045, 12);
    expect(out.breakdown.cacheRead).toBeCloseTo(0.001, 12);
    expect(out.breakdown.cacheWrite5m).toBeCloseTo(0.00125, 12);
    expect(out.breakdown.cacheWrite1h).toBeCloseTo(0.001, 12);
    expect(out.breakdown.output).toBeCloseTo(0.006, 12);
    expect(out.breakdown.reasoning).toBeCloseTo(0.003, 12);
    expect(out.costUsd).toBeCloseTo(0.01675, 9);
  });

  it('long-context cliff, batch tier and discount', async () => {
    const tier = await run(
      ...costArgs('--at', '2025-07-01T00:00:00Z', '--input', '200001', '--output', '1000'),
    );
    expect(JSON.parse(tier.stdout).costUsd).toBeCloseTo(0.612003, 9); // 200001*3 + 1000*12, / 1e6
    expect(JSON.parse(tier.stdout).tierAboveInputTokens).toBe(200000);
    const batch = await run(
      ...costArgs(
        '--at',
        '2025-07-01T00:00:00Z',
        '--input',
        '1000000',
        '--output',
        '0',
        '--service-tier',
        'batch',
      ),
    );
    expect(JSON.parse(batch.stdout).costUsd).toBeCloseTo(1.5, 9); // 1e6*3 (tier) * 0.5
    const discounted = await run(
      ...costArgs('--at', '2026-02-01T00:00:00Z', '--input', '100000', '--output', '0'),
    );
    expect(JSON.parse(discounted.stdout)).toMatchObject({ discountPercent: 25 });
    expect(JSON.parse(discounted.stdout).costUsd).toBeCloseTo(0.075, 9); // 100000*1/1e6 * 0.75
  });

  it('Bedrock geo prefix applies the regional uplift', async () => {
    const r = await run(
      'prices',
      'cost',
      '--provider',
      'aws.bedrock',
      '--model',
      'arn:aws:bedrock:eu-west-1:111122223333:inference-profile/eu.anthropic.cli-test-v1:0',
      '--at',
      '2025-02-01T00:00:00Z',
      '--input',
      '1000',
      '--output',
      '1000',
      '--prices',
      pricesFile,
      '--json',
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ geo: 'eu', regionalUplift: 1.1 });
    expect(JSON.parse(r.stdout).costUsd).toBeCloseTo(0.033, 9); // (1000*10 + 1000*20)/1e6 * 1.1
  });

  it('shipped book: --region eu pays OpenAI data residency +10%; --audio-input at the audio price', async () => {
    const base = ['prices', 'cost', '--provider', 'openai', '--model', 'gpt-5.4'];
    const call = ['--at', '2026-06-01', '--input', '100000', '--cache-read', '20000'];
    const eu = await run(...base, ...call, '--output', '10000', '--region', 'eu', '--json');
    expect(eu.code).toBe(0);
    // 80,000 x 2.5 + 20,000 x 0.25 + 10,000 x 15 = 0.355 USD, x 1.1.
    expect(JSON.parse(eu.stdout).costUsd).toBeCloseTo(0.3905, 12);
    expect(JSON.parse(eu.stdout)).toMatchObject({ region: 'eu', regionalProcessingUplift: 1.1 });
    const audio = await run(
      ...['prices', 'cost', '--provider', 'gcp.gemini', '--model', 'gemini-2.5-flash'],
      ...['--at', '2025-12-01', '--input', '10000', '--cache-read', '2000', '--output', '500'],
      ...['--audio-input', '7000', '--json'],
    );
    expect(audio.code).toBe(0);
    // 1,000 x 0.30 + 7,000 x 1.00 (audio) + 2,000 x 0.03 + 500 x 2.50, per 1M.
    expect(JSON.parse(audio.stdout).costUsd).toBeCloseTo(0.00861, 12);
    const noAudioPrice = await run(...base, ...call, '--output', '10000', '--audio-input', '5');
    expect(noAudioPrice.code).toBe(3);
  });

  it('unpriced: exit 3 with costUsd null and a reason', async () => {
    const unknown = await run(
      'prices',
      'cost',
      '--provider',
      'openai',
      '--model',
      'gpt-unknown-9',
      '--at',
      '2025-07-01T00:00:00Z',
      '--input',
      '10',
      '--output',
      '10',
      '--json',
    );
    expect(unknown.code).toBe(3);
    expect(JSON.parse(unknown.stdout)).toMatchObject({ costUsd: null, reason: 'unknown_model' });
    const early = await run(
      ...costArgs('--at', '2024-12-31T23:59:59Z', '--input', '10', '--output', '10'),
    );
    expect(early.code).toBe(3);
    expect(JSON.parse(early.stdout)).toMatchObject({ costUsd: null, reason: 'no_period' });
  });

  it.each([
    [['--at', '2025-07-01T00:00:00Z', '--input', '10'], '--output'],
    [['--at', '2025-07-01T00:00:00Z', '--output', '10'], '--input'],
    [['--input', '10', '--output', '10'], '--at'],
    [['--at', '2025-07-01T00:00:00Z', '--input', 'ten', '--output', '10'], '--input'],
    [['--at', '2025-07-01T00:00:00Z', '--input', '10', '--output', '-1'], '--output'],
    [['--at', '2025-07-01T00:00:00Z', '--input', '10', '--output', '1.5'], '--output'],
    [
      ['--at', '2025-07-01T00:00:00Z', '--input', '10', '--output', '1', '--cache-read', 'x'],
      '--cache-read',
    ],
    [['--at', 'last tuesday', '--input', '10', '--output', '10'], '--at'],
    [['--at', '2025-07-01T00:00:00', '--input', '10', '--output', '10'], '--at'],
    [
      ['--at', '2025-07-01T00:00:00Z', '--input', '10', '--output', '1', '--service-tier', 'turbo'],
      '--service-tier',
    ],
    [
      ['--at', '2025-07-01T00:00:00Z', '--input', '10', '--output', '1', '--cache-read', '11'],
      '--input',
    ],
    [
      ['--at', '2025-07-01T00:00:00Z', '--input', '10', '--output', '1', '--reasoning', '2'],
      '--reasoning',
    ],
    [['--at', '2025-07-01T00:00:00Z', '--input', '10', '--output', '1', '--bogus', '2'], '--bogus'],
  ])('bad input %j: exit 2 naming %s', async (extra, flag) => {
    const r = await run(...costArgs(...extra));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(flag);
  });

  it('a bad --prices file: exit 2 naming the file', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({ provider: 'x', currency: 'USD', models: [{ id: 'm', periods: [] }] }),
    );
    const r = await run(
      'prices',
      'cost',
      '--provider',
      'x',
      '--model',
      'm',
      '--at',
      '2025-01-01',
      '--input',
      '1',
      '--output',
      '1',
      '--prices',
      bad,
      '--json',
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad}: model "m": periods`);
  });

  it('text output without --json', async () => {
    const r = await run(
      'prices',
      'cost',
      '--provider',
      'openai',
      '--model',
      'cli-test-model',
      '--at',
      '2025-07-01T00:00:00Z',
      '--input',
      '1000',
      '--output',
      '1000',
      '--prices',
      pricesFile,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('openai/cli-test-model-2025-01-01@2025-06-10T00:00:00.000Z');
    expect(r.stdout).toContain('$0.005'); // 1000*1 + 1000*4, / 1e6
  });
});

describe('ai-margin prices lookup / list / validate', () => {
  it('lookup --json shows the period and its prices', async () => {
    const r = await run(
      'prices',
      'lookup',
      '--provider',
      'openai',
      '--model',
      'cli-test-model',
      '--at',
      '2025-06-10',
      '--prices',
      pricesFile,
      '--json',
    );
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.period.id).toBe('openai/cli-test-model-2025-01-01@2025-06-10T00:00:00.000Z');
    expect(out.prices).toEqual({
      input: 1,
      output: 4,
      cacheRead: 0.25,
      cacheWrite5m: 1.25,
      cacheWrite1h: 2,
      reasoning: 6,
    });
    expect(out.tiers).toEqual([{ aboveInputTokens: 200000, prices: { input: 3, output: 12 } }]);
  });

  it('lookup text output and unknown model', async () => {
    const text = await run(
      'prices',
      'lookup',
      '--provider',
      'openai',
      '--model',
      'cli-test-model',
      '--at',
      '2025-02-01',
      '--prices',
      pricesFile,
    );
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('cli test: launch');
    const missing = await run(
      'prices',
      'lookup',
      '--provider',
      'openai',
      '--model',
      'nope',
      '--json',
    );
    expect(missing.code).toBe(3);
    expect(JSON.parse(missing.stdout)).toMatchObject({ found: false, reason: 'unknown_model' });
    expect((await run('prices', 'lookup', '--model', 'x')).stderr).toContain('--provider');
  });

  it('list --provider --json', async () => {
    const r = await run(
      'prices',
      'list',
      '--provider',
      'aws.bedrock',
      '--prices',
      pricesFile,
      '--json',
    );
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.models.map((m: { model: string }) => m.model)).toContain('anthropic.cli-test-v1:0');
    expect(out.models.every((m: { provider: string }) => m.provider === 'aws.bedrock')).toBe(true);
    const text = await run('prices', 'list');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('models; prices in USD per 1M tokens');
    expect((await run('prices', 'list', '--provider', 'nope')).code).toBe(2);
  });

  it('validate: exit 0 for a good file, 1 naming file/model/field for a bad one', async () => {
    const good = await run('prices', 'validate', pricesFile);
    expect(good.code).toBe(0);
    expect(good.stdout).toContain(`${pricesFile}: ok`);
    const bad = join(dir, 'negative.yaml');
    writeFileSync(
      bad,
      'provider: openai\ncurrency: USD\nmodels:\n  - id: my-ft\n    periods:\n      - effectiveFrom: 2025-01-01\n        prices: { input: -1, output: 2 }\n        source: me\n',
    );
    const r = await run('prices', 'validate', bad);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `${bad}: model "my-ft": periods[0].prices.input: must be a non-negative number`,
    );
    expect((await run('prices', 'validate')).code).toBe(2);
  });

  it('help and unknown subcommands', async () => {
    expect((await run('prices', '--help')).code).toBe(0);
    expect((await run('prices', 'cost', '--help')).stdout).toContain('--cache-write-1h');
    expect((await run('prices', 'frobnicate')).code).toBe(2);
  });
});
