/** `ai-margin whatif` as a command: output forms, exit codes, errors naming file and field. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../src/commands/whatif';
import { main } from '../src/main';
import type { WhatifJson } from '../src/whatif/run';
import { captureIO } from './helpers/capture-io';

const EXAMPLE = resolve(__dirname, '../../../examples/whatif/next-quarter.yaml');

async function cli(...argv: string[]) {
  const io = captureIO();
  const code = await run(argv, io);
  return { code, out: io.out, err: io.err };
}

describe('ai-margin whatif', () => {
  it('is a registered command with --help', async () => {
    const io = captureIO();
    expect(await main(['whatif', '--help'], io)).toBe(0);
    expect(io.out).toMatch(/usage: ai-margin whatif/);
    const list = captureIO();
    await main(['--help'], list);
    expect(list.out).toMatch(/whatif\s+replay observed usage/);
  });

  it('the example scenario on the demo: compact terminal table, then JSON and HTML', async () => {
    const text = await cli('--demo', '--customers', '40', '--seed', '7', '--scenario', EXAMPLE);
    expect(text.err).toBe('');
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/^What if: next quarter/);
    expect(text.out).toMatch(
      /route summarise from anthropic\/claude-3-5-haiku-20241022 to gcp\.gemini\/gemini-2\.0-flash/,
    );
    expect(text.out).toMatch(/Customers under water\s+\d+\s+\d+/);
    expect(text.out).toMatch(/Per feature/);
    expect(text.out).toMatch(/Per model/);
    const dir = mkdtempSync(join(tmpdir(), 'whatif-cli-'));
    const html = join(dir, 'w.html');
    const json = await cli(
      '--demo',
      '--customers',
      '40',
      '--seed',
      '7',
      '--scenario',
      EXAMPLE,
      '--json',
      '--suggest',
      '--html',
      html,
    );
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.out) as WhatifJson;
    expect(parsed.whatif?.levers).toHaveLength(3);
    expect(parsed.whatif?.totals.after.marginUsd).toBeGreaterThan(
      parsed.whatif?.totals.before.marginUsd ?? 0,
    );
    expect(parsed.suggest?.suggestions.length).toBeGreaterThan(0);
    const page = readFileSync(html, 'utf8');
    expect(page).toMatch(/<section id="whatif"><h2>What if<\/h2>/);
    expect(page).toMatch(/Suggested moves/);
    expect(page).not.toMatch(/<script/);
  });

  it('--from/--to restrict the demo window', async () => {
    const r = await cli(
      '--demo',
      '--customers',
      '40',
      '--seed',
      '7',
      '--from',
      '2025-06-01',
      '--to',
      '2025-06-30',
      '--scenario',
      EXAMPLE,
      '--json',
    );
    const parsed = JSON.parse(r.out) as WhatifJson;
    expect(parsed.whatif?.from).toBe('2025-06-01');
    expect(parsed.whatif?.to).toBe('2025-06-30');
  });

  it('bad input: exit 2 naming the flag, or the file and field', async () => {
    expect((await cli('--demo')).err).toMatch(/needs --scenario FILE, --suggest, or both/);
    expect((await cli('--scenario', 'x.yaml')).err).toMatch(/needs exactly one source/);
    expect((await cli('--demo', '--suggest', '--from', '2025-13-01')).code).toBe(2);
    const dir = mkdtempSync(join(tmpdir(), 'whatif-bad-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'levers:\n  - cache: { feature: chat, hit_rate: 1.5 }\n');
    const bad = await cli('--demo', '--customers', '5', '--scenario', file);
    expect(bad.code).toBe(2);
    expect(bad.err).toBe(
      `ai-margin whatif: ${file}: levers[0].cache.hit_rate: must be between 0 and 1, got 1.5\n`,
    );
  });

  it('an unreachable Prometheus is a clear error (exit 1)', async () => {
    const r = await cli(
      '--url',
      'http://127.0.0.1:9',
      '--suggest',
      '--from',
      '2026-01-01',
      '--to',
      '2026-01-02',
    );
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/cannot reach http:\/\/127\.0\.0\.1:9\/api\/v1\/query/);
  });
});
