/**
 * The built command in a child `node` process (the path `npm run demo` takes): ESM dist, real
 * module resolution of the SDKs and of uPlot's files. Needs `npm run build` first (the root
 * `npm test` builds everything before vitest).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { DemoJson } from '../src/demo/run-demo';
import { generateScenario } from '../src/demo/scenario';
import { computeExpectations } from './helpers/expectation';

const BIN = resolve(__dirname, '../bin/ai-margin.js');
const DIST = resolve(__dirname, '../dist/main.js');
const dir = mkdtempSync(join(tmpdir(), 'ai-margin-demo-'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ai-margin demo (built CLI, child process)', () => {
  it('prints a JSON report whose customer costs match the expectation model', async () => {
    expect(existsSync(DIST), `${DIST} missing: run npm run build -w packages/cli`).toBe(true);
    const html = join(dir, 'report.html');
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [BIN, 'demo', '--json', '--seed', '5', '--customers', '12', '--html', html],
      { maxBuffer: 64 * 1024 * 1024, timeout: 120_000 },
    );
    expect(stderr).toMatch(/ai-margin demo: \d+ calls for 12 customers in/);
    expect(stderr).not.toMatch(/NodeVersionSupportWarning/);
    const json = JSON.parse(stdout) as DemoJson;
    const expected = computeExpectations(generateScenario({ seed: 5, customers: 12 }));
    expect(json.report.customers).toHaveLength(expected.customers.size);
    for (const row of json.report.customers) {
      const e = expected.customers.get(row.customerId);
      expect(Math.abs(row.costUsd - (e?.costUsd ?? Number.NaN)), row.customerId).toBeLessThan(1e-6);
      expect(Math.abs(row.revenueUsd - (e?.revenueUsd ?? Number.NaN))).toBeLessThan(1e-6);
    }
    expect(readFileSync(html, 'utf8')).toContain('id="chart-histogram"');
  }, 150_000);

  it('explains its options and rejects bad ones', async () => {
    const run = promisify(execFile);
    const help = await run(process.execPath, [BIN, 'demo', '--help']);
    expect(help.stdout).toContain('--customers N');
    await expect(run(process.execPath, [BIN, 'demo', '--customers', 'many'])).rejects.toMatchObject(
      {
        code: 2,
        stderr: expect.stringContaining("--customers needs an integer >= 1 (got 'many')"),
      },
    );
  });
});
