/**
 * `ai-margin prices update` against a local HTTP server: a good book replaces --out atomically,
 * a bad one (invalid, HTTP error, too large, too slow) leaves it untouched with a message naming
 * what is wrong, and no temp file is left behind.
 */
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CommandIO } from '../src/io';
import { main } from '../src/main';

function book(input: number, currency = 'USD') {
  return {
    providers: [
      {
        provider: 'openai',
        currency,
        models: [
          {
            id: 'update-test-model',
            periods: [
              { effectiveFrom: '2025-01-01', prices: { input, output: 2 }, source: 'test' },
            ],
          },
        ],
      },
    ],
  };
}
const GOOD = JSON.stringify(book(1));
const GOOD2 = JSON.stringify(book(3));
const BAD = JSON.stringify(book(1, 'EUR'));
const GOOD_YAML = `providers:
  - provider: openai
    currency: USD
    models:
      - id: update-test-yaml
        periods:
          - { effectiveFrom: 2025-01-01, prices: { input: 1, output: 2 }, source: test }
`;

let server: Server;
let base: string;
let dir: string;
let out: string;
const OLD = '{"discounts":[]}';

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path === '/good.json') return void res.end(GOOD);
    if (path === '/good2.json') return void res.end(GOOD2);
    if (path === '/bad.json') return void res.end(BAD);
    if (path === '/syntax.json') return void res.end('{ "providers": [');
    if (path === '/book.yaml') return void res.end(GOOD_YAML);
    if (path === '/big.json') {
      // No Content-Length: the limit must hold while streaming.
      res.write(' '.repeat(4096));
      return void res.end(GOOD);
    }
    if (path === '/slow.json') {
      res.writeHead(200);
      res.write('{');
      return; // never ends
    }
    res.statusCode = 404;
    res.end('not found');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  server.close();
});

beforeEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = mkdtempSync(join(tmpdir(), 'ai-margin-cli-update-'));
  out = join(dir, 'prices.json');
  writeFileSync(out, OLD);
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
  const code = await main(['prices', 'update', ...argv], io);
  return { code, stdout, stderr };
}

const untouched = () => {
  expect(readFileSync(out, 'utf8')).toBe(OLD);
  expect(readdirSync(dir)).toEqual(['prices.json']);
};

describe('ai-margin prices update', () => {
  it('writes a valid book over --out and says so; a second run finds it up to date', async () => {
    const r = await run('--url', `${base}/good.json?token=secret`, '--out', out);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(GOOD);
    expect(readdirSync(dir)).toEqual(['prices.json']);
    expect(r.stdout).toContain(`updated from ${base}/good.json`);
    expect(r.stdout).not.toContain('secret');
    expect(r.stdout).toMatch(/merged over the shipped prices: \d+ models/);

    const again = await run('--url', `${base}/good.json`, '--out', out);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already up to date');

    const next = await run('--url', `${base}/good2.json`, '--out', out);
    expect(next.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(GOOD2);
  });

  it('creates --out when it does not exist yet', async () => {
    const fresh = join(dir, 'new.json');
    const r = await run('--url', `${base}/good.json`, '--out', fresh);
    expect(r.code).toBe(0);
    expect(readFileSync(fresh, 'utf8')).toBe(GOOD);
  });

  it('refuses an invalid book (exit 1), naming the URL, field and problem', async () => {
    const r = await run('--url', `${base}/bad.json`, '--out', out);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${base}/bad.json: providers[0].currency: must be "USD"`);
    expect(r.stderr).toContain('left unchanged');
    untouched();

    const s = await run('--url', `${base}/syntax.json`, '--out', out);
    expect(s.code).toBe(1);
    expect(s.stderr).toContain('invalid JSON');
    untouched();
  });

  it('fails on an HTTP error, an oversized body and a timeout (exit 4)', async () => {
    const missing = await run('--url', `${base}/missing.json`, '--out', out);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toContain('HTTP 404');
    untouched();

    const big = await run('--url', `${base}/big.json`, '--out', out, '--max-bytes', '1024');
    expect(big.code).toBe(4);
    expect(big.stderr).toContain('more than --max-bytes 1024');
    untouched();

    const slow = await run('--url', `${base}/slow.json`, '--out', out, '--timeout-ms', '300');
    expect(slow.code).toBe(4);
    expect(slow.stderr).toContain('no complete answer within 300 ms');
    untouched();

    const refused = await run('--url', 'http://127.0.0.1:1/x.json', '--out', out);
    expect(refused.code).toBe(4);
    untouched();
  });

  it('reads file:// URLs and YAML books into a YAML --out', async () => {
    const src = join(dir, 'published.json');
    writeFileSync(src, GOOD);
    const r = await run('--url', pathToFileURL(src).href, '--out', out);
    expect(r.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(GOOD);

    const yamlOut = join(dir, 'prices.yaml');
    const y = await run('--url', `${base}/book.yaml`, '--out', yamlOut);
    expect(y.stderr).toBe('');
    expect(y.code).toBe(0);
    expect(readFileSync(yamlOut, 'utf8')).toBe(GOOD_YAML);
  });

  it('rejects bad options (exit 2) without touching --out', async () => {
    const cases: Array<[string[], string]> = [
      [['--out', out], '--url needs a value'],
      [['--url', `${base}/good.json`], '--out needs a value'],
      [['--url', 'ftp://x/y.json', '--out', out], 'unsupported scheme'],
      [['--url', `${base}/good.json`, '--out', join(dir, 'p.txt')], 'must end in .json'],
      [['--url', `${base}/book.yaml`, '--out', out], 'serves YAML'],
      [
        ['--url', `${base}/good.json`, '--out', out, '--timeout-ms', '0'],
        "--timeout-ms needs an integer >= 1 (got '0')",
      ],
    ];
    for (const [argv, message] of cases) {
      const r = await run(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr).toContain(message);
    }
    untouched();
  });
});
