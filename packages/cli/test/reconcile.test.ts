import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { costReportHandlers, startProviderSim } from '@ai-margin/provider-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/commands/reconcile';

const FIX = resolve(__dirname, '../../reconcile/test/fixtures/reports');

function capture() {
  const out = { stdout: '', stderr: '' };
  return {
    out,
    io: {
      stdout: (t: string) => {
        out.stdout += t;
      },
      stderr: (t: string) => {
        out.stderr += t;
      },
      isTTY: false,
    },
  };
}

let dir: string;
let provFile: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ai-margin-reconcile-cli-'));
  provFile = join(dir, 'provisional.ndjson');
  await writeFile(
    provFile,
    [
      {
        day: '2026-11-20',
        provider: 'openai',
        model: 'gpt-4o-2024-08-06',
        customer_id: 'acme',
        usd: 7.5,
      },
      {
        day: '2026-11-20',
        provider: 'openai',
        model: 'gpt-4o-2024-08-06',
        customer_id: 'globex',
        usd: 2.5,
      },
      {
        day: '2026-11-20',
        provider: 'openai',
        model: 'gpt-4o-mini-2024-07-18',
        customer_id: 'acme',
        usd: '0.3',
      },
      {
        day: '2026-11-21',
        provider: 'openai',
        model: 'gpt-4o-2024-08-06',
        customer_id: 'acme',
        usd: 6.25,
      },
      {
        day: '2026-11-21',
        provider: 'openai',
        model: 'gpt-5.6-sol',
        customer_id: 'acme',
        usd: 0.06,
      },
      {
        day: '2026-11-20',
        provider: 'anthropic',
        model: 'claude-sonnet-4-20250514',
        customer_id: 'acme',
        usd: 6.7158912,
      },
    ]
      .map((r) => JSON.stringify(r))
      .join('\n'),
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ai-margin reconcile', () => {
  it('prints an aligned drift table and exits 4 above --max-drift', async () => {
    const { io, out } = capture();
    const code = await run(
      [
        '--openai-costs',
        join(FIX, 'openai', 'costs'),
        '--provisional-file',
        provFile,
        '--max-drift',
        '5',
      ],
      io,
    );
    expect(out.stderr).toBe('');
    expect(code).toBe(4);
    const lines = out.stdout.split('\n');
    expect(lines[0]).toBe('reconciliation 2026-11-20 .. 2026-11-22 (UTC days), providers: openai');
    const table = lines.slice(2, 8);
    expect(table).toEqual([
      'DAY         PROVIDER  MODEL                   STATUS       PROVISIONAL $  REPORTED $  DRIFT $  DRIFT %   RATIO',
      '2026-11-20  openai    gpt-4o-2024-08-06       matched            10.0000     13.1250  +3.1250  +31.25%  1.3125  !',
      '2026-11-20  openai    gpt-4o-mini-2024-07-18  matched             0.3000      0.3000   0.0000    0.00%  1.0000',
      '2026-11-20  openai    other                   report_only         0.0000      0.2500  +0.2500      new       -  !',
      '2026-11-21  openai    gpt-4o-2024-08-06       matched             6.2500      6.2500   0.0000    0.00%  1.0000',
      '2026-11-21  openai    gpt-5.6-sol             matched             0.0600      0.0600   0.0000    0.00%  1.0000',
    ]);
    expect(out.stdout).toContain('drift above 5% on 2 provider/model/day row(s) (marked !)');
  });

  it('exits 0 when drift is within --max-drift, and --json has exact values', async () => {
    const { io, out } = capture();
    const code = await run(
      [
        '--openai-costs',
        join(FIX, 'openai', 'costs'),
        '--provisional-file',
        provFile,
        '--from',
        '2026-11-21',
        '--to',
        '2026-11-21',
        '--max-drift',
        '5',
        '--json',
      ],
      io,
    );
    expect(code).toBe(0);
    const json = JSON.parse(out.stdout);
    expect(json.driftExceeded).toBe(false);
    expect(json.rows.map((r: { model: string; ratio: number }) => [r.model, r.ratio])).toEqual([
      ['gpt-4o-2024-08-06', 1],
      ['gpt-5.6-sol', 1],
    ]);
    expect(json.corrections).toEqual([
      { day: '2026-11-21', provider: 'openai', customerId: 'acme', usd: 0 },
    ]);
  });

  it('reconciles the three providers and writes an OpenMetrics file', async () => {
    const { io, out } = capture();
    const om = join(dir, 'out.om');
    const code = await run(
      [
        '--anthropic-costs',
        join(FIX, 'anthropic', 'costs'),
        '--aws-cur',
        join(FIX, 'aws', 'cur-2026-11.csv'),
        '--provisional-file',
        provFile,
        '--from',
        '2026-11-20',
        '--to',
        '2026-11-20',
        '--openmetrics-out',
        om,
        '--json',
      ],
      io,
    );
    expect(out.stderr).toBe('');
    expect(code).toBe(0);
    const json = JSON.parse(out.stdout);
    expect(json.providers).toEqual(['anthropic', 'aws.bedrock']);
    expect(
      json.rows.map(
        (r: { provider: string; model: string; status: string; reportedUsd: number }) => [
          r.provider,
          r.model,
          r.status,
          r.reportedUsd,
        ],
      ),
    ).toEqual([
      ['anthropic', 'claude-sonnet-4-20250514', 'matched', 6.7158912],
      ['anthropic', 'other', 'report_only', 10],
      ['aws.bedrock', 'Claude4.6Sonnet', 'report_only', 0.3409],
    ]);
    expect(json.published).toEqual([om]);
    const text = await readFile(om, 'utf8');
    expect(text).toContain(
      'ai_margin_reconciled_cost_usd{provider="anthropic",model="claude-sonnet-4-20250514"} 6.7158912 1795132800\n',
    );
    expect(text).toContain(
      'ai_margin_reconciliation_ratio{provider="anthropic",model="claude-sonnet-4-20250514"} 1 1795132800\n',
    );
  });

  it('bad input: exit 2, the error names file and line, nothing is written', async () => {
    const { io, out } = capture();
    const om = join(dir, 'never.om');
    const code = await run(
      [
        '--openai-costs',
        join(FIX, 'openai', 'costs'),
        '--aws-cur',
        join(FIX, 'bad', 'cur-eur.csv'),
        '--provisional-file',
        provFile,
        '--openmetrics-out',
        om,
      ],
      io,
    );
    expect(code).toBe(2);
    expect(out.stderr).toBe(
      `ai-margin reconcile: ${join(FIX, 'bad', 'cur-eur.csv')}:3: line_item_currency_code: currency "EUR" is not USD (mixed currencies are not supported)\nnothing was written.\n`,
    );
    expect(out.stdout).toBe('');
    expect(existsSync(om)).toBe(false);
  });

  it('usage errors exit 2', async () => {
    const cases: [string[], RegExp][] = [
      [['--provisional-file', 'x'], /no report input/],
      [['--openai-costs', 'x'], /exactly one of --provisional-url and --provisional-file/],
      [
        ['--openai-costs', 'x', '--provisional-file', 'y', '--from', '2026-02-30'],
        /--from needs a UTC day YYYY-MM-DD \(got '2026-02-30'\)/,
      ],
      [['--openai-costs', 'x', '--provisional-file', 'y', '--max-drift', 'lots'], /--max-drift/],
      [['--openai-costs', 'x', '--provisional-file', 'y', '--bogus'], /unknown option '--bogus'/],
    ];
    for (const [args, re] of cases) {
      const { io, out } = capture();
      expect(await run(args, io)).toBe(2);
      expect(out.stderr).toMatch(re);
    }
  });

  it('fetches cost reports page by page from a local provider server (--fetch-openai/--fetch-anthropic)', async () => {
    const openaiPage = JSON.parse(
      await readFile(join(FIX, 'openai', 'costs', 'page-0002.json'), 'utf8'),
    );
    const openaiPage1 = JSON.parse(
      await readFile(join(FIX, 'openai', 'costs', 'page-0001.json'), 'utf8'),
    );
    const anthropicPages = (
      await readFile(join(FIX, 'anthropic', 'costs', 'cost_report.ndjson'), 'utf8')
    )
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    // Merge the two Anthropic pages' buckets for 2026-11-20 into one bucket, as the API would.
    const a20 = {
      ...anthropicPages[0].data[0],
      results: [...anthropicPages[0].data[0].results, ...anthropicPages[1].data[0].results],
    };
    const sim = await startProviderSim({
      handlers: costReportHandlers(
        {
          openaiCosts: [...openaiPage1.data, ...openaiPage.data],
          anthropicCosts: [a20, anthropicPages[1].data[1]],
        },
        { maxPageSize: 1 },
      ),
    });
    try {
      const saveDir = join(dir, 'pages');
      const { io, out } = capture();
      const code = await run(
        [
          '--fetch-openai',
          '--fetch-anthropic',
          '--openai-base-url',
          sim.url,
          '--anthropic-base-url',
          sim.url,
          '--save-pages',
          saveDir,
          '--provisional-file',
          provFile,
          '--from',
          '2026-11-20',
          '--to',
          '2026-11-22',
          '--json',
        ],
        io,
        { OPENAI_ADMIN_KEY: 'sk-admin-test', ANTHROPIC_ADMIN_KEY: 'sk-ant-admin-test' },
      );
      expect(out.stderr).toBe('');
      expect(code).toBe(0);
      const json = JSON.parse(out.stdout);
      const reported = Object.fromEntries(
        json.rows.map(
          (r: { provider: string; day: string; model: string; reportedUsd: number }) => [
            `${r.provider} ${r.day} ${r.model}`,
            r.reportedUsd,
          ],
        ),
      );
      expect(reported).toEqual({
        'anthropic 2026-11-20 claude-sonnet-4-20250514': 6.7158912,
        'anthropic 2026-11-20 other': 10,
        'anthropic 2026-11-21 claude-haiku-4-5-20251001': 3.005,
        'openai 2026-11-20 gpt-4o-2024-08-06': 13.125,
        'openai 2026-11-20 gpt-4o-mini-2024-07-18': 0.3,
        'openai 2026-11-20 other': 0.25,
        'openai 2026-11-21 gpt-4o-2024-08-06': 6.25,
        'openai 2026-11-21 gpt-5.6-sol': 0.06,
      });
      // One bucket per page: 3 OpenAI pages, 2 Anthropic pages, saved for re-runs.
      expect(await readdir(join(saveDir, 'openai'))).toEqual([
        'costs-0001.json',
        'costs-0002.json',
        'costs-0003.json',
      ]);
      expect(await readdir(join(saveDir, 'anthropic'))).toEqual([
        'costs-0001.json',
        'costs-0002.json',
      ]);
      // Re-running from the saved pages gives the same rows.
      const again = capture();
      await run(
        [
          '--openai-costs',
          join(saveDir, 'openai'),
          '--anthropic-costs',
          join(saveDir, 'anthropic'),
          '--provisional-file',
          provFile,
          '--from',
          '2026-11-20',
          '--to',
          '2026-11-22',
          '--json',
        ],
        again.io,
      );
      expect(JSON.parse(again.out.stdout).rows).toEqual(json.rows);
    } finally {
      await sim.close();
    }
  });

  it('a missing admin key is a usage error', async () => {
    const { io, out } = capture();
    const code = await run(
      [
        '--fetch-openai',
        '--from',
        '2026-11-20',
        '--to',
        '2026-11-20',
        '--provisional-file',
        provFile,
      ],
      io,
      {},
    );
    expect(code).toBe(2);
    expect(out.stderr).toContain('set OPENAI_ADMIN_KEY');
  });
});
