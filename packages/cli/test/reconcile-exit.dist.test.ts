/**
 * `ai-margin reconcile` exit codes and all-or-nothing output, through the built binary (issue 13,
 * item 7): corrupt archives and absurd amounts exit 2 naming file and field with nothing written;
 * a bad output path exits 2 before anything is published (no temp file left); files are written
 * before the one publish request, so a failing TSDB exits 1 with the files in place.
 */
import { execSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const bin = join(root, 'packages/cli/bin/ai-margin.js');
const FIX = join(root, 'packages/reconcile/test/fixtures/reports');

function newest(dir: string): number {
  if (!existsSync(dir)) return 0;
  let max = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) max = Math.max(max, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return max;
}

/** What the built binary loads from dist/: the CLI and the workspace packages under it, in build order. */
const BUILT = [
  'conventions',
  'provider-sim',
  'instrumentation',
  'processor',
  'dashboards',
  'reconcile',
  'cli',
];

beforeAll(() => {
  // Same rule as prices.dist.test.ts: rebuild only when a dist/ is older than the sources.
  const sources = Math.max(...BUILT.map((p) => newest(join(root, 'packages', p, 'src'))));
  const built = Math.min(...BUILT.map((p) => newest(join(root, 'packages', p, 'dist'))));
  if (built < sources) {
    execSync(`npm run build ${BUILT.map((p) => `-w @ai-margin/${p}`).join(' ')}`, {
      cwd: root,
      stdio: 'pipe',
    });
  }
}, 240_000);

/** Runs the CLI without blocking this process (the test's HTTP server must keep answering). */
function cli(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'reconcile', ...args], { cwd: root });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A stand-in VictoriaMetrics: counts import POSTs, answers queries with no data. */
interface FakeVm {
  url: string;
  imports: string[];
  status: number;
  server: Server;
}

async function fakeVm(): Promise<FakeVm> {
  const vm: FakeVm = { url: '', imports: [], status: 204, server: createServer() };
  vm.server.on('request', (req, res) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      if (req.url?.startsWith('/api/v1/import/prometheus')) {
        vm.imports.push(body);
        res.writeHead(vm.status).end(vm.status >= 400 ? 'storage is read-only' : '');
        return;
      }
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end('{"status":"success","data":{"resultType":"matrix","result":[]}}');
    });
  });
  await new Promise<void>((r) => vm.server.listen(0, '127.0.0.1', r));
  vm.url = `http://127.0.0.1:${(vm.server.address() as AddressInfo).port}`;
  return vm;
}

let dir: string;
let provFile: string;
let vm: FakeVm;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ai-margin-reconcile-exit-'));
  provFile = join(dir, 'provisional.ndjson');
  await writeFile(
    provFile,
    `${JSON.stringify({ day: '2026-11-20', provider: 'openai', model: 'gpt-4o-2024-08-06', customer_id: 'acme', usd: 13.125 })}\n`,
  );
  vm = await fakeVm();
});
afterAll(async () => {
  await new Promise((r) => vm.server.close(r));
  await rm(dir, { recursive: true, force: true });
});

const OPENAI = join(FIX, 'openai', 'costs', 'page-0001.json');

/** Files left in `d` (temp files start with a dot). */
const filesIn = async (d: string) => (await readdir(d)).sort();

describe('ai-margin reconcile exit codes (built binary)', () => {
  it('a corrupt .gz: exit 2, the file named, no stack trace, nothing written', async () => {
    const out = join(dir, 'gz');
    await mkdir(out);
    const gz = join(out, 'costs.json.gz');
    await writeFile(gz, 'this is not gzip');
    const om = join(out, 'out.om');
    const r = await cli(
      '--openai-costs',
      gz,
      '--provisional-file',
      provFile,
      '--openmetrics-out',
      om,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      new RegExp(
        `^ai-margin reconcile: ${gz}: not a readable gzip file \\(corrupt or truncated\\?\\): Z_DATA_ERROR: .*\\nnothing was written\\.\\n$`,
      ),
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(await filesIn(out)).toEqual(['costs.json.gz']);
  });

  it('an amount of 1e300: exit 2 naming file and field; nothing written or published', async () => {
    const out = join(dir, 'huge');
    await mkdir(out);
    const page = join(out, 'costs.json');
    const text = await readFile(OPENAI, 'utf8');
    await writeFile(page, text.replace('"value": 10,', '"value": 1e300,'));
    const before = vm.imports.length;
    const r = await cli(
      '--openai-costs',
      page,
      '--provisional-file',
      provFile,
      '--max-drift',
      '5',
      '--publish-url',
      vm.url,
      '--openmetrics-out',
      join(out, 'out.om'),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      new RegExp(
        `^ai-margin reconcile: ${page}:\\d+: results\\[2\\]\\.amount\\.value: outside the accepted range of ±1e\\+9 USD per line: 1e300\\n`,
      ),
    );
    expect(r.stdout).toBe('');
    expect(vm.imports.length).toBe(before);
    expect(await filesIn(out)).toEqual(['costs.json']);
  });

  it('an output path that cannot be written: exit 2 before anything is published, no temp file', async () => {
    const out = join(dir, 'badpath');
    await mkdir(join(out, 'taken.om'), { recursive: true }); // a directory where the file should go
    const before = vm.imports.length;
    const r = await cli(
      '--openai-costs',
      OPENAI,
      '--provisional-file',
      provFile,
      '--publish-url',
      vm.url,
      '--openmetrics-out',
      join(out, 'taken.om'),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `ai-margin reconcile: cannot write ${join(out, 'taken.om')}: is a directory\nnothing was written.\n`,
    );
    expect(vm.imports.length).toBe(before);
    expect(await filesIn(out)).toEqual(['taken.om']);
    expect(await readdir(join(out, 'taken.om'))).toEqual([]);

    const missing = join(out, 'no-such-dir', 'x.om');
    const r2 = await cli(
      '--openai-costs',
      OPENAI,
      '--provisional-file',
      provFile,
      '--publish-url',
      vm.url,
      '--openmetrics-out',
      missing,
    );
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain(`does not exist`);
    expect(vm.imports.length).toBe(before);
  });

  it('files are written before the one publish request: a failing TSDB exits 1 and says what was written', async () => {
    const out = join(dir, 'vmfail');
    await mkdir(out);
    const om = join(out, 'out.om');
    vm.status = 503;
    try {
      const r = await cli(
        '--openai-costs',
        OPENAI,
        '--provisional-file',
        provFile,
        '--publish-url',
        vm.url,
        '--openmetrics-out',
        om,
      );
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(
        `ai-margin reconcile: publishing to ${vm.url} failed: VictoriaMetrics import to ${vm.url}/api/v1/import/prometheus failed: HTTP 503 storage is read-only\nalready written: ${om}.\n`,
      );
    } finally {
      vm.status = 204;
    }
    expect(await filesIn(out)).toEqual(['out.om']);
    expect(await readFile(om, 'utf8')).toMatch(/# EOF\n$/);
  });

  it('an unreachable TSDB: exit 1 with the reason; success exits 0 (report_only rows are drift only with --max-drift), drift above --max-drift 4', async () => {
    const closed = await fakeVm();
    await new Promise((r) => closed.server.close(r));
    const r = await cli(
      '--openai-costs',
      OPENAI,
      '--provisional-file',
      provFile,
      '--publish-url',
      closed.url,
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^ai-margin reconcile: reading what earlier runs published failed: .*\nnothing was written\.\n$/,
    );

    const prov = await cli('--openai-costs', OPENAI, '--provisional-url', closed.url);
    expect(prov.code).toBe(1);
    expect(prov.stderr).toMatch(
      /^ai-margin reconcile: fetching provisional cost failed: .*query failed: .*ECONNREFUSED.*\nnothing was written\.\n$/,
    );

    const before = vm.imports.length;
    const ok = await cli(
      '--openai-costs',
      OPENAI,
      '--provisional-file',
      provFile,
      '--publish-url',
      vm.url,
    );
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(vm.imports.length).toBe(before + 1);
    expect(vm.imports.at(-1)).toContain(
      'ai_margin_reconciled_cost_usd{provider="openai",model="gpt-4o-2024-08-06"}',
    );
    expect(vm.imports.at(-1)).not.toMatch(/Inf|NaN/);

    const drift = await cli(
      '--openai-costs',
      OPENAI,
      '--provisional-file',
      provFile,
      '--max-drift',
      '0',
    );
    expect(drift.code).toBe(4);
  });

  it('a model map, models named constructor/toString/__proto__: only own entries map', async () => {
    const map = join(dir, 'model-map.json');
    await writeFile(
      map,
      '{"openai": {"constructor": "x", "gpt-4o-2024-08-06": "gpt-4o"}, "__proto__": {"toString": "y"}}',
    );
    const prov = join(dir, 'provisional-proto.ndjson');
    await writeFile(
      prov,
      ['toString', 'hasOwnProperty', '__proto__', 'constructor']
        .map((model) =>
          JSON.stringify({
            day: '2026-11-20',
            provider: 'openai',
            model,
            customer_id: model,
            usd: 1,
          }),
        )
        .join('\n'),
    );
    const r = await cli(
      '--openai-costs',
      OPENAI,
      '--provisional-file',
      prov,
      '--model-map',
      map,
      '--json',
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as {
      rows: { model: unknown }[];
      corrections: { customerId: unknown }[];
    };
    const models = json.rows.map((row) => row.model);
    expect(models.every((m) => typeof m === 'string')).toBe(true);
    expect(models).toEqual(
      expect.arrayContaining(['gpt-4o', 'toString', 'hasOwnProperty', '__proto__', 'x']),
    );
    expect(json.corrections.map((c) => c.customerId).sort()).toEqual([
      '__proto__',
      'constructor',
      'hasOwnProperty',
      'toString',
    ]);
  });
});
