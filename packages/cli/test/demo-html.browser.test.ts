/**
 * The HTML report in headless Chromium: it opens offline (no request leaves the file), raises no
 * console error, renders every chart on a non-empty canvas and lists the customers under water.
 * A full-page screenshot is saved to test-output/demo-report.png.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoJson } from '../src/demo/run-demo';
import { runDemo } from '../src/demo/run-demo';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const OUT_DIR = resolve(__dirname, '../../../test-output');
const HTML = join(OUT_DIR, 'demo-report.html');

let json: DemoJson;
let browser: Browser | undefined;

beforeAll(async () => {
  mkdirSync(OUT_DIR, { recursive: true });
  let out = '';
  const code = await runDemo(['--json', '--seed', '11', '--customers', '60', '--html', HTML], {
    isTTY: false,
    stdout: (t) => {
      out += t;
    },
    stderr: () => {},
  });
  expect(code).toBe(0);
  json = JSON.parse(out) as DemoJson;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
});

describe('demo HTML report', () => {
  it('is one self-contained file with uPlot inlined', () => {
    const html = readFileSync(HTML, 'utf8');
    expect(html).toContain('uPlot');
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).not.toMatch(/<link[^>]+href=/);
  });

  it('renders in Chromium offline, without console errors, with charts and the under-water list', async () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} missing: apt-get install -y chromium`).toBe(true);
    const page = await (browser as Browser).newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) requests.push(r.url());
    });
    await page.goto(pathToFileURL(HTML).href, { waitUntil: 'load' });
    await page.waitForSelector('body[data-charts]');

    // Painted (non-transparent) pixels of every chart canvas. A string: the test has no DOM types.
    const charts =
      (await page.evaluate(`[...document.querySelectorAll('.uplot canvas')].map((c) => {
      const ctx = c.getContext('2d');
      if (!ctx || c.width === 0 || c.height === 0) return 0;
      const data = ctx.getImageData(0, 0, c.width, c.height).data;
      let painted = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
      return painted;
    })`)) as number[];
    expect(charts).toHaveLength(6);
    for (const painted of charts) expect(painted).toBeGreaterThan(500);

    const listed = await page.$$eval('#under-water tr[data-customer]', (rows) =>
      rows.map((r) => r.getAttribute('data-customer')),
    );
    expect(json.report.underWater.length).toBeGreaterThan(0);
    expect(listed).toEqual(json.report.underWater.map((c) => c.customerId));
    const firstWhy = await page.textContent('#under-water tbody tr:first-child td:last-child');
    expect(firstWhy).toContain('cost is');

    await page.screenshot({ path: join(OUT_DIR, 'demo-report.png'), fullPage: true });
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  }, 60_000);
});
