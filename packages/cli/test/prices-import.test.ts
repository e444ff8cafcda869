/**
 * `ai-margin prices import` through `main([...], io)` on the importer's small fixtures: writes
 * provider files that load as a price book, the diff and the conflict report; bad input exits 2
 * with the file, model and field named.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PriceBook } from '@ai-margin/processor';
import { describe, expect, it } from 'vitest';
import type { CommandIO } from '../src/io';
import { main } from '../src/main';

const FX = join(import.meta.dirname, '../../processor/test/fixtures/import');

async function cli(args: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CommandIO = {
    stdout: (s) => {
      stdout += s;
    },
    stderr: (s) => {
      stderr += s;
    },
    isTTY: false,
  };
  const code = await main(['prices', 'import', ...args], io);
  return { code, stdout, stderr };
}

describe('ai-margin prices import', () => {
  it('writes provider files, the diff and the conflict report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'am-import-'));
    const base = join(dir, 'base');
    mkdirSync(base);
    writeFileSync(join(base, 'openai.json'), readFileSync(join(FX, 'base-openai.json')));
    const out = join(dir, 'out');
    const r = await cli([
      '--from',
      'genai-prices',
      join(FX, 'genai-small.json'),
      '--from',
      'litellm',
      join(FX, 'litellm-small.json'),
      '--base',
      base,
      '--overrides',
      join(FX, 'overrides-small.json'),
      '--ref',
      'fx',
      '--as-of',
      '2026-12-01',
      '--out',
      out,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      `2 models added, 1 periods added, 0 periods changed, 0 models removed; 7 conflicts; wrote 2 provider files, import-diff.txt and import-conflicts.md to ${out}\n`,
    );
    const book = PriceBook.load({
      includeShipped: false,
      userFiles: [join(out, 'openai.json'), join(out, 'aws-bedrock.json')],
    });
    const hit = book.lookup('openai', 'gpt-x-2026-01-15', Date.parse('2026-07-01T00:00:00Z'));
    expect(hit.found && hit.price.period.prices).toEqual({ input: 1, cacheRead: 0.1, output: 5 });
    const report = readFileSync(join(out, 'import-conflicts.md'), 'utf8');
    expect(report).toContain('## Conflicts (7)');
    expect(report).toContain('| no launch date | openai/gpt-nolaunch |');
    expect(readFileSync(join(out, 'import-diff.txt'), 'utf8')).toContain('+ model gpt-x');
  });

  it('prints the diff and report without --out', async () => {
    const r = await cli([
      '--from',
      'genai-prices',
      join(FX, 'genai-small.json'),
      '--as-of',
      '2026-12-01',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('## Conflicts (2)');
  });

  it('exits 2 naming the file, model and field on bad input', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'am-import-bad-'));
    const file = join(dir, 'bad.json');
    writeFileSync(
      file,
      '[{"id":"openai","models":[{"id":"m","match":{"equals":"m"},"prices":{"input_mtok":"x","output_mtok":1}}]}]',
    );
    const r = await cli(['--from', 'genai-prices', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file} (model "openai/m", field "prices.input_mtok")`);
  });

  it('exits 2 on an unknown dataset or a missing file', async () => {
    expect((await cli(['--from', 'openrouter', 'x.json'])).code).toBe(2);
    const r = await cli(['--from', 'litellm', '/nonexistent/prices.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot read /nonexistent/prices.json');
  });

  it('reads a dataset from a URL (local server here; tests never call a provider)', async () => {
    const body = readFileSync(join(FX, 'genai-small.json'));
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const r = await cli([
        '--from',
        'genai-prices',
        `http://127.0.0.1:${port}/data.json`,
        '--as-of',
        '2026-12-01',
      ]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('+ model gpt-x');
    } finally {
      server.close();
    }
  });
});
