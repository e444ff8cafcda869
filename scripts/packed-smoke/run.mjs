#!/usr/bin/env node
// Packed-package smoke check: what a new user gets from the README, on today's releases.
//
//   npm run test:packed                         # pinned versions (CI: deterministic)
//   AI_MARGIN_SMOKE_LATEST=1 npm run test:packed # the same against floating `latest`
//   npm run test:packed -- otel2                 # only projects whose name contains "otel2"
//
// For each project below, in a fresh folder outside the repo (so nothing resolves from the repo's
// node_modules): `npm install` of the README's install line (3.x or 2.x line) with the packed
// @ai-margin/* tarballs in place of the registry names, plus the four LLM SDKs, run by npm on the
// project's own Node; then the README's telemetry.mjs block verbatim (the 2.x line with the two
// changes the README documents), the README's customers.json, and ./app.mjs, started as the README
// says (`node --import @ai-margin/instrumentation/hook --import ./telemetry.mjs app.mjs`) against
// the provider simulator and a local OTLP sink. Checks: the install needs no --force or
// --legacy-peer-deps, one copy of @opentelemetry/api, the installed tree is the intended OTel line,
// every call's cost for its customer equals usage x the price written below by hand, every SDK is
// reported instrumented, spans reached the OTLP sink; and a TypeScript consumer compiles against
// our .d.ts with skipLibCheck off. Ends with a PASS/FAIL table; exit 1 on any failure.
//
// Environment: AI_MARGIN_SMOKE_LATEST=1 (floating versions), AI_MARGIN_SMOKE_SKIP_BUILD=1 (use the
// existing dist/), AI_MARGIN_SMOKE_KEEP=1 (keep the temp projects), AI_MARGIN_CACHE (default
// .cache: where Node 22 and 26 are installed from the npm registry).
import { execFileSync, spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');
const CACHE = resolve(process.env.AI_MARGIN_CACHE ?? join(ROOT, '.cache'));
const LATEST = process.env.AI_MARGIN_SMOKE_LATEST === '1';
const FILTER = process.argv[2] ?? '';
const WORK = mkdtempSync(join(tmpdir(), 'ai-margin-packed-'));
const started = Date.now();
const secs = () => `${((Date.now() - started) / 1000).toFixed(0)}s`;

// ---- versions ------------------------------------------------------------------------------------
// Newest releases on 2026-12-02 (`npm view <pkg> version`). Bump on purpose; LATEST ignores them.
const PINS = {
  otel3: {
    '@opentelemetry/api': '1.10.0',
    '@opentelemetry/sdk-node': '0.301.0',
    '@opentelemetry/sdk-metrics': '3.1.1',
    '@opentelemetry/sdk-trace': '3.1.1',
    '@opentelemetry/exporter-trace-otlp-proto': '0.301.1',
    '@opentelemetry/exporter-metrics-otlp-proto': '0.301.0',
    'prom-client': '15.1.3',
  },
  otel2: {
    '@opentelemetry/api': '1.9.1',
    '@opentelemetry/sdk-node': '0.223.0',
    '@opentelemetry/instrumentation': '0.223.0',
    '@opentelemetry/sdk-metrics': '2.12.1',
    '@opentelemetry/sdk-trace-base': '2.12.1',
    '@opentelemetry/exporter-trace-otlp-proto': '0.223.1',
    '@opentelemetry/exporter-metrics-otlp-proto': '0.223.0',
    'prom-client': '15.1.3',
  },
};
const SDKS = {
  openai: '7.59.0',
  '@anthropic-ai/sdk': '1.16.0',
  '@google/genai': '3.3.0',
  '@aws-sdk/client-bedrock-runtime': '3.1164.0',
};
// Node from the npm registry (`node-<platform>-<arch>`); 24 is the repo's own (devDependency).
const NODES = { 22: '22.23.5', 26: '26.12.1' };

const PROJECTS = [
  { name: 'otel3-node24', line: 'otel3', node: 24, typescript: true },
  { name: 'otel2-node24', line: 'otel2', node: 24 },
  { name: 'otel3-node22', line: 'otel3', node: 22 },
  { name: 'otel3-node26', line: 'otel3', node: 26 },
];

// ---- what every call must cost, by hand ----------------------------------------------------------
// The simulator reports 1000 input and 200 output tokens per call. USD per 1M tokens, from the
// providers' pricing pages (shared/reference/pricing-facts.md), not from our price book:
//   gpt-4o-mini 0.15 / 0.60; claude-haiku-4-5 1 / 5; gemini-2.5-flash 0.30 / 2.50;
//   Bedrock global.* Claude Sonnet 4.5 3 / 15 (global endpoint: no regional uplift).
const EXPECTED_COST = {
  'cust-openai': (1000 * 0.15 + 200 * 0.6) / 1e6,
  'cust-anthropic': (1000 * 1 + 200 * 5) / 1e6,
  'cust-google': (1000 * 0.3 + 200 * 2.5) / 1e6,
  'cust-bedrock': (1000 * 3 + 200 * 15) / 1e6,
};
const EXPECTED_SDKS = Object.keys(SDKS);

// ---- README --------------------------------------------------------------------------------------
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const installLines = [...README.matchAll(/^npm i (@ai-margin\/processor .*)$/gm)].map((m) =>
  m[1].split(/\s+/),
);
if (installLines.length !== 2)
  throw new Error(`README.md: expected 2 install lines, found ${installLines.length}`);
const INSTALL = { otel3: installLines[0], otel2: installLines[1] };
const telemetryMatch = /```js\n(\/\/ telemetry\.mjs[\s\S]*?)```/.exec(README);
if (!telemetryMatch) throw new Error('README.md: no telemetry.mjs block');
const customersMatch = /`customers\.json`[^\n]*\n\n```json\n([\s\S]*?)```/.exec(README);
if (!customersMatch) throw new Error('README.md: no customers.json block');

/** The README's telemetry.mjs for a line: verbatim for 3.x, the documented two changes for 2.x. */
function telemetryFor(line) {
  const block = telemetryMatch[1];
  if (line === 'otel3') return block;
  const from3 = "import { BatchSpanProcessor } from '@opentelemetry/sdk-trace';";
  const ctor3 = 'new BatchSpanProcessor({ exporter: new OTLPTraceExporter() })';
  if (!block.includes(from3) || !block.includes(ctor3)) {
    throw new Error('README.md telemetry.mjs: the lines the 2.x note says to change are not there');
  }
  return block
    .replace(from3, "import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';")
    .replace(ctor3, 'new BatchSpanProcessor(new OTLPTraceExporter())');
}

/** The README's install line for a project: tarballs for our packages, pins unless LATEST. */
function installSpecs(line, tarballs) {
  const specs = [];
  for (const word of INSTALL[line]) {
    const name = word.replace(/(.)@.*$/, '$1');
    if (name.startsWith('@ai-margin/')) {
      specs.push(tarballs[name]);
      continue;
    }
    specs.push(LATEST ? word : `${name}@${PINS[line][name] ?? fail(`no pin for ${name}`)}`);
  }
  for (const [name, version] of Object.entries(SDKS))
    specs.push(LATEST ? name : `${name}@${version}`);
  specs.push(tarballs['@ai-margin/provider-sim']);
  // Not on a registry: our packages' own dependency on it is satisfied by the packed tarball.
  specs.push(tarballs['@ai-margin/conventions']);
  return specs;
}

function fail(message) {
  throw new Error(message);
}

// ---- results -------------------------------------------------------------------------------------
const results = [];
function record(ok, label, detail = '') {
  results.push({ ok, label, detail });
  console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${label}${detail ? `: ${detail}` : ''}`);
}

// ---- Node binaries -------------------------------------------------------------------------------
function nodeBinary(major) {
  if (major === 24 && process.versions.node.startsWith('24.')) return process.execPath;
  const version = NODES[major] ?? fail(`no Node ${major} pinned`);
  const pkg = `node-${process.platform}-${process.arch}`;
  const dir = join(CACHE, `node-${version}`);
  const bin = join(dir, 'node_modules', pkg, 'bin', 'node');
  if (!existsSync(bin)) {
    console.log(`--- installing ${pkg}@${version} into ${dir} (${secs()})`);
    mkdirSync(dir, { recursive: true });
    execFileSync(
      'npm',
      [
        'install',
        '--prefix',
        dir,
        '--no-save',
        '--no-audit',
        '--no-fund',
        '--loglevel=error',
        `${pkg}@${version}`,
      ],
      { stdio: 'inherit' },
    );
  }
  return bin;
}

// ---- build and pack ------------------------------------------------------------------------------
function packAll() {
  if (process.env.AI_MARGIN_SMOKE_SKIP_BUILD !== '1') {
    console.log(`--- building conventions, provider-sim, instrumentation, processor (${secs()})`);
    execFileSync(
      'npm',
      [
        'run',
        'build',
        '--silent',
        '-w',
        '@ai-margin/conventions',
        '-w',
        '@ai-margin/provider-sim',
        '-w',
        '@ai-margin/instrumentation',
        '-w',
        '@ai-margin/processor',
      ],
      { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
    );
  }
  const dest = join(WORK, 'pack');
  mkdirSync(dest);
  const tarballs = {};
  for (const pkg of ['conventions', 'provider-sim', 'instrumentation', 'processor']) {
    const out = execFileSync('npm', ['pack', '--silent', '--pack-destination', dest], {
      cwd: join(ROOT, 'packages', pkg),
      encoding: 'utf8',
    });
    tarballs[`@ai-margin/${pkg}`] = join(dest, out.trim().split('\n').at(-1));
  }
  return tarballs;
}

// ---- installed tree ------------------------------------------------------------------------------
/** name -> [{ version, path }] for every package under node_modules (nested ones too). */
function installedPackages(dir) {
  const found = new Map();
  const walk = (nm) => {
    if (!existsSync(nm)) return;
    for (const e of readdirSync(nm, { withFileTypes: true })) {
      if (!e.isDirectory() || e.name.startsWith('.')) continue;
      const p = join(nm, e.name);
      if (e.name.startsWith('@')) {
        walk(p);
        continue;
      }
      const pj = join(p, 'package.json');
      if (existsSync(pj)) {
        const { name, version } = JSON.parse(readFileSync(pj, 'utf8'));
        if (name) (found.get(name) ?? found.set(name, []).get(name)).push({ version, path: p });
      }
      walk(join(p, 'node_modules'));
    }
  };
  walk(join(dir, 'node_modules'));
  return found;
}

function checkTree(project, dir) {
  const found = installedPackages(dir);
  const versions = (name) => (found.get(name) ?? []).map((x) => x.version);
  const api = versions('@opentelemetry/api');
  record(
    api.length === 1,
    `${project.name}: one copy of @opentelemetry/api`,
    api.join(', ') || 'missing',
  );
  const problems = [];
  const want =
    project.line === 'otel3'
      ? {
          '@opentelemetry/api': /^1\.10\./,
          '@opentelemetry/sdk-trace': /^3\./,
          '@opentelemetry/sdk-metrics': /^3\./,
          '@opentelemetry/core': /^3\./,
          '@opentelemetry/instrumentation': /^0\.3\d\d\./,
        }
      : {
          '@opentelemetry/api': /^1\.9\./,
          '@opentelemetry/sdk-trace-base': /^2\./,
          '@opentelemetry/sdk-metrics': /^2\./,
          '@opentelemetry/core': /^2\./,
          '@opentelemetry/instrumentation': /^0\.2\d\d\./,
        };
  for (const [name, re] of Object.entries(want)) {
    const v = versions(name);
    if (v.length === 0 || v.some((x) => !re.test(x)))
      problems.push(`${name}@${v.join(',') || 'missing'}`);
  }
  if (project.line === 'otel3' && found.has('@opentelemetry/sdk-trace-base'))
    problems.push('sdk-trace-base present');
  const shown = [
    '@opentelemetry/api',
    '@opentelemetry/sdk-node',
    '@opentelemetry/instrumentation',
    ...EXPECTED_SDKS,
  ]
    .map((n) => `${n.replace('@opentelemetry/', '')}@${versions(n).join(',')}`)
    .join(' ');
  record(
    problems.length === 0,
    `${project.name}: installed tree is the ${project.line === 'otel3' ? '3.x' : '2.x'} line`,
    problems.length ? problems.join(' ') : shown,
  );
}

// ---- OTLP sink -----------------------------------------------------------------------------------
function startSink() {
  const received = [];
  const server = createServer((req, res) => {
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
    });
    req.on('end', () => {
      received.push({ url: req.url, size });
      res.writeHead(200, { 'content-type': 'application/x-protobuf' });
      res.end();
    });
  });
  return new Promise((ok) =>
    server.listen(0, '127.0.0.1', () =>
      ok({
        received,
        url: `http://127.0.0.1:${server.address().port}`,
        close: () => server.close(),
      }),
    ),
  );
}

function runApp(node, dir, env) {
  return new Promise((ok) => {
    const child = spawn(
      node,
      ['--import', '@ai-margin/instrumentation/hook', '--import', './telemetry.mjs', 'app.mjs'],
      { cwd: dir, env: { ...process.env, ...env } },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => {
      stdout += c;
    });
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    child.on('close', (code) => ok({ code, stdout, stderr }));
  });
}

/** Sum of a counter's samples per label value, from prom-client text. */
function sumBy(text, metric, label) {
  const out = {};
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${metric}{`)) continue;
    const m = new RegExp(`${label}="([^"]*)"`).exec(line);
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (m) out[m[1]] = (out[m[1]] ?? 0) + value;
  }
  return out;
}

async function runProject(project, tarballs) {
  const node = nodeBinary(project.node);
  const nodeVersion = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
  const dir = join(WORK, project.name);
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: `smoke-${project.name}`, private: true, type: 'module' }, null, 2),
  );
  const specs = installSpecs(project.line, tarballs);
  if (project.typescript) specs.push(LATEST ? '@types/node@24' : '@types/node@24.19.4');
  console.log(
    `--- ${project.name}: npm install on node ${nodeVersion} (${secs()})\n    ${specs.map((s) => s.replace(WORK, '$WORK')).join(' ')}`,
  );
  // npm runs on the project's Node, so engine checks and install scripts see that runtime.
  const env = { ...process.env, PATH: `${dirname(node)}:${process.env.PATH}` };
  try {
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...specs], {
      cwd: dir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
    });
    record(true, `${project.name}: README install line installs (node ${nodeVersion}, no --force)`);
  } catch (err) {
    record(
      false,
      `${project.name}: README install line installs (node ${nodeVersion}, no --force)`,
      String(err.stderr ?? err)
        .split('\n')
        .slice(0, 12)
        .join('\n'),
    );
    return;
  }
  checkTree(project, dir);

  writeFileSync(join(dir, 'telemetry.mjs'), telemetryFor(project.line));
  writeFileSync(join(dir, 'customers.json'), customersMatch[1]);
  copyFileSync(join(HERE, 'app.mjs'), join(dir, 'app.mjs'));
  const sink = await startSink();
  const run = await runApp(node, dir, {
    OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    OTEL_METRIC_EXPORT_INTERVAL: '600000',
  });
  sink.close();
  if (run.code !== 0) {
    record(
      false,
      `${project.name}: app runs as the README says`,
      `exit ${run.code}\n${run.stderr.slice(-2000)}`,
    );
    return;
  }
  const out = JSON.parse(run.stdout.trim().split('\n').at(-1));
  const cost = sumBy(out.metrics, 'ai_margin_cost_usd_total', 'customer_id');
  for (const [customer, want] of Object.entries(EXPECTED_COST)) {
    const got = cost[customer];
    record(
      typeof got === 'number' && Math.abs(got - want) <= 1e-12,
      `${project.name}: cost of ${customer} = usage x price`,
      `${got} (expected ${want})`,
    );
  }
  const sdks = out.metrics.split('\n').filter((l) => l.startsWith('ai_margin_sdk_info{'));
  const instrumented = EXPECTED_SDKS.filter((sdk) =>
    sdks.some((l) => l.includes(`sdk="${sdk}"`) && l.includes('status="instrumented"')),
  );
  record(
    instrumented.length === EXPECTED_SDKS.length && sdks.length === EXPECTED_SDKS.length,
    `${project.name}: every SDK reported instrumented`,
    sdks.map((l) => l.replace(/^ai_margin_sdk_info/, '')).join(' '),
  );
  const unpriced = out.metrics
    .split('\n')
    .filter((l) => l.startsWith('ai_margin_unpriced_requests_total{'));
  record(unpriced.length === 0, `${project.name}: no unpriced calls`, unpriced.join(' '));
  const traces = sink.received.filter((r) => r.url === '/v1/traces' && r.size > 0);
  record(
    traces.length > 0,
    `${project.name}: spans exported over OTLP`,
    `${traces.length} POST /v1/traces`,
  );
  const stray = run.stderr.split('\n').filter((l) => l.trim() !== '');
  record(stray.length === 0, `${project.name}: nothing on stderr`, stray.slice(0, 5).join('\n'));

  if (project.typescript) {
    for (const f of ['consumer.mts', 'tsconfig.consumer.json', 'prices.json'])
      copyFileSync(join(HERE, f), join(dir, f));
    try {
      execFileSync(
        node,
        [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.consumer.json'],
        { cwd: dir, stdio: 'pipe', encoding: 'utf8' },
      );
      record(
        true,
        `${project.name}: tsc, our .d.ts against the installed types (skipLibCheck off)`,
      );
    } catch (err) {
      record(
        false,
        `${project.name}: tsc, our .d.ts against the installed types (skipLibCheck off)`,
        String(err.stdout ?? err).slice(0, 2000),
      );
    }
  }
}

try {
  console.log(
    `=== packed-package smoke check (${LATEST ? 'floating latest' : 'pinned versions'}) in ${WORK}`,
  );
  const tarballs = packAll();
  for (const project of PROJECTS) {
    if (FILTER && !project.name.includes(FILTER)) continue;
    await runProject(project, tarballs);
  }
} catch (err) {
  record(false, 'smoke check', String(err?.stack ?? err));
} finally {
  if (process.env.AI_MARGIN_SMOKE_KEEP === '1') console.log(`kept ${WORK}`);
  else rmSync(WORK, { recursive: true, force: true });
}
const failed = results.filter((r) => !r.ok);
console.log(`\n=== packed-package smoke check: ${secs()}`);
for (const r of results) console.log(`  ${r.ok ? 'PASS' : 'FAIL'} ${r.label}`);
console.log(`${results.length - failed.length} passed, ${failed.length} failed`);
process.exit(failed.length ? 1 : 0);
