/**
 * A running example service picks up a new price file without a restart (on SIGHUP, and on its
 * reload interval), and keeps pricing with the last good book when the file is broken. Expected
 * costs come from the usage each response reports and the prices written in this test.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ProviderSim, startProviderSim } from '@ai-margin/provider-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollUntil } from '../support/proc';
import { type Service, startService } from '../support/service';

const MODEL = 'reload-model';

/** USD per 1M tokens, by hand. */
const V1 = { input: 2, output: 8 };
const V2 = { input: 1, output: 4 };

function priceFile(p: { input: number; output: number }): string {
  return JSON.stringify({
    providers: [
      {
        provider: 'openai',
        currency: 'USD',
        models: [
          {
            id: MODEL,
            periods: [{ effectiveFrom: '2020-01-01', prices: p, source: 'test: by hand' }],
          },
        ],
      },
    ],
  });
}

let sim: ProviderSim;
let dir: string;
let file: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ai-margin-e2e-reload-'));
  file = join(dir, 'prices.json');
  writeFileSync(file, priceFile(V1));
  sim = await startProviderSim();
}, 60_000);

afterAll(async () => {
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function start(reloadMs: number): Promise<Service> {
  return startService({
    OTEL_METRICS_EXPORTER: 'none',
    // diag warnings to stderr: the failed reload must say what is wrong.
    OTEL_LOG_LEVEL: 'warn',
    OPENAI_BASE_URL: `${sim.url}/v1`,
    ANTHROPIC_BASE_URL: sim.url,
    AI_MARGIN_PRICES: file,
    AI_MARGIN_PRICE_RELOAD_MS: String(reloadMs),
  });
}

/** One /chat call; its cost at `p` from the usage the response carries. */
async function call(service: Service, p: { input: number; output: number }): Promise<number> {
  const r = await fetch(`${service.url}/chat?account=acme&model=${MODEL}`, {
    method: 'POST',
    body: JSON.stringify({ prompt: 'What does a price change cost?' }),
  });
  expect(r.status).toBe(200);
  const { usage } = (await r.json()) as {
    usage: { prompt_tokens: number; completion_tokens: number };
  };
  return (usage.prompt_tokens * p.input + usage.completion_tokens * p.output) / 1e6;
}

async function metric(service: Service, name: string, labels: string): Promise<number> {
  const text = await (await fetch(`${service.url}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name}{`) && line.includes(labels))
      total += Number(line.split(' ').at(-1));
  }
  return total;
}

const COST = 'ai_margin_cost_usd_total';
const RELOADS = 'ai_margin_price_book_reloads_total';

describe('the example service reloads its price file', () => {
  it('on SIGHUP: a new price applies to the next call, a broken file keeps the last good one', async () => {
    writeFileSync(file, priceFile(V1));
    const service = await start(0);
    try {
      let want = await call(service, V1);
      expect(await metric(service, COST, 'customer_id="acme"')).toBeCloseTo(want, 12);

      writeFileSync(file, priceFile(V2));
      service.proc.child.kill('SIGHUP');
      await pollUntil(
        () => metric(service, RELOADS, 'result="ok"'),
        (n) => n === 1,
        10_000,
      );
      want += await call(service, V2);
      expect(await metric(service, COST, 'customer_id="acme"')).toBeCloseTo(want, 12);

      writeFileSync(file, '{ "providers": [ broken');
      service.proc.child.kill('SIGHUP');
      await pollUntil(
        () => metric(service, RELOADS, 'result="failed",reason="invalid"'),
        (n) => n === 1,
        10_000,
      );
      want += await call(service, V2);
      expect(await metric(service, COST, 'customer_id="acme"')).toBeCloseTo(want, 12);
      expect(service.proc.log()).toMatch(/price file reload failed, keeping price book/);
    } finally {
      await service.stop();
    }
  }, 60_000);

  it('on its interval, with no signal', async () => {
    writeFileSync(file, priceFile(V1));
    const service = await start(100);
    try {
      let want = await call(service, V1);
      writeFileSync(file, priceFile(V2));
      await pollUntil(
        () => metric(service, RELOADS, 'result="ok"'),
        (n) => n >= 1,
        10_000,
      );
      want += await call(service, V2);
      expect(await metric(service, COST, 'customer_id="acme"')).toBeCloseTo(want, 12);
    } finally {
      await service.stop();
    }
  }, 60_000);
});
