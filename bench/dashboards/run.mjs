#!/usr/bin/env node
// Dashboard scale benchmark: generates the history of N customers over D days (every series the
// processor exports), loads it into real VictoriaMetrics and Prometheus (remote write), lets the
// real rule evaluators (vmalert; Prometheus' rule manager) evaluate the generated recording
// rules on it, times every panel query of the generated dashboards the way Grafana sends it
// (instant targets as instant queries at the end of the range; time series targets as 30-day
// range queries with a ~45 min step; template variables at their defaults) and prints the
// slowest queries with their ratio to the budget (1 s instant, 3 s range).
//
//   node bench/dashboards/run.mjs --customers 10000 --days 30 [--interval 15m] [--backends vm,prom]
//        [--generated packages/dashboards/generated] [--baseline <old generated dir>] [--report]
//        [--json out.json] [--runs 2] [--top 12]
//
// --timeout N caps each query at N s (reported as > N s); --attach name=url[,prometheus.yml]
// runs the phases on a backend that already holds the history; --keep loads the history and keeps
// the backends running (prints the --attach arguments) until stopped; --backfill writes the 1h
// rules the time series panels read over the whole history before timing.
// --baseline times an older set of dashboards (raw-series panels, no rules) on the same data
// before the rules start: the before/after comparison of one load; --generated <old generated
// dir> runs an older set of rules and dashboards instead. Prometheus' remote-written history is
// compacted into blocks before any rule runs (compactProm), as a Prometheus that scraped it
// would hold it.
//
// The binaries come from scripts/backends.sh (cached under .cache/backends).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { remoteWrite, remoteWriteBodies, seriesOf, writeRequestOf } from './history.mjs';
import { backendPaths, freePort, sleep, start, startVm, waitHttp } from './procs.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BUDGET = { instant: 1, range: 3 };

function parseArgs(argv) {
  const o = {
    customers: 1000,
    days: 7,
    interval: '15m',
    backends: 'vm,prom',
    generated: join(ROOT, 'packages/dashboards/generated'),
    runs: 2,
    json: undefined,
    label: '',
    baseline: undefined,
    report: false,
    top: 12,
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--customers':
        o.customers = Number(value());
        break;
      case '--days':
        o.days = Number(value());
        break;
      case '--interval':
        o.interval = value();
        break;
      case '--backends':
        o.backends = value();
        break;
      case '--generated':
        o.generated = resolve(value());
        break;
      case '--runs':
        o.runs = Number(value());
        break;
      case '--json':
        o.json = resolve(value());
        break;
      case '--label':
        o.label = value();
        break;
      case '--baseline':
        o.baseline = resolve(value());
        break;
      case '--report':
        o.report = true;
        break;
      case '--timeout':
        QUERY_TIMEOUT_S = Number(value());
        break;
      case '--attach':
        o.attach = value();
        break;
      case '--top':
        o.top = Number(value());
        break;
      case '--backfill':
        o.backfill = true;
        break;
      case '--keep':
        o.keep = true;
        break;
      default:
        throw new Error(`unknown flag ${flag}`);
    }
  }
  return o;
}

const seconds = (d) => {
  const m = /^(\d+)([smhd])$/.exec(d);
  if (!m) throw new Error(`bad duration ${d}`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[m[2]];
};

function ruleFiles(generated) {
  const dir = join(generated, 'rules');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yml'))
    .sort()
    .map((f) => join(dir, f));
}

/** Panel targets of the dashboards, with each dashboard's variable defaults (as Grafana fills them). */
function panelTargets(generated) {
  const dir = join(generated, 'dashboards');
  const out = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const d = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    const vars = {};
    for (const v of d.templating?.list ?? []) {
      const cur = v.current?.value;
      const val = Array.isArray(cur) ? cur[0] : cur;
      if (val === undefined || val === '$__all') vars[v.name] = v.allValue ?? '.*';
      else vars[v.name] = String(val);
    }
    const walk = (panels) => {
      for (const p of panels) {
        if (p.panels) walk(p.panels);
        for (const t of p.targets ?? []) {
          if (!t.expr) continue;
          out.push({
            key: `${d.uid.replace('ai-margin-', '')}/${p.title}/${t.refId}`,
            expr: t.expr,
            instant: t.instant === true && t.range !== true,
            vars,
          });
        }
      }
    };
    walk(d.panels ?? []);
  }
  return out;
}

function substitute(expr, vars, rangeS, rateInterval) {
  let out = expr
    .replaceAll('$__range_s', String(rangeS))
    .replaceAll('$__range_ms', String(rangeS * 1000))
    .replaceAll('$__range', `${rangeS}s`)
    .replaceAll('$__rate_interval', rateInterval)
    .replaceAll('$__interval', rateInterval);
  out = out.replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)/g, (_m, a, b) => vars[a ?? b] ?? '.*');
  return out;
}

let QUERY_TIMEOUT_S = 600;

async function promQuery(base, path, params) {
  const t0 = performance.now();
  let text;
  try {
    const r = await fetch(`${base}${path}`, {
      method: 'POST',
      body: new URLSearchParams({ ...params, timeout: `${QUERY_TIMEOUT_S}s` }),
      signal: AbortSignal.timeout(QUERY_TIMEOUT_S * 1000),
    });
    text = await r.text();
  } catch {
    return { s: QUERY_TIMEOUT_S, series: 0, error: `timeout (> ${QUERY_TIMEOUT_S} s)` };
  }
  const s = (performance.now() - t0) / 1000;
  let series = 0;
  let error;
  try {
    const j = JSON.parse(text);
    if (j.status !== 'success') error = j.error ?? text.slice(0, 200);
    else series = j.data.result.length;
  } catch {
    error = text.slice(0, 200);
  }
  return { s, series, error };
}

async function flushVm(url) {
  await fetch(`${url}/internal/force_flush`);
  await fetch(`${url}/internal/resetRollupResultCache`);
}

/** Rule groups' last evaluation time and duration, from the evaluator's /api/v1/rules. */
async function ruleGroups(url) {
  const r = await fetch(`${url}/api/v1/rules`);
  const j = await r.json();
  return j.data.groups.map((g) => ({
    name: g.name,
    file: g.file,
    last: Date.parse(g.lastEvaluation ?? 0) || 0,
    // Prometheus reports the group's time; vmalert only each rule's (run one after the other).
    evaluationTime:
      g.evaluationTime ?? (g.rules ?? []).reduce((a, x) => a + (x.evaluationTime ?? 0), 0),
    rules: (g.rules ?? []).map((x) => ({
      name: x.name,
      last: Date.parse(x.lastEvaluation ?? 0) || 0,
      evaluationTime: x.evaluationTime,
      health: x.health,
      lastError: x.lastError,
    })),
  }));
}

/**
 * Moves a Prometheus' history from its out-of-order head into blocks on disk, as a Prometheus
 * that scraped the 30 days would hold it, and waits until the blocks are merged. Remote-written
 * history (and every backfill) lands mostly out of order (each request carries days of a few
 * thousand series), and Prometheus compacts out-of-order samples only after it compacts its
 * in-order head, which needs the head to span over 1.5 block ranges: one sample 48 hours after
 * the head's newest triggers that. Rules evaluated on an uncompacted head, or next to a running compaction,
 * take several times longer than in production. Returns the seconds it took.
 */
async function compactProm(b) {
  const t0 = performance.now();
  const metric = async (name) => {
    const text = await (await fetch(`${b.url}/metrics`)).text();
    const m = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text);
    return m ? Number(m[1]) : 0;
  };
  // Out-of-order samples wait in the write-behind log until they are in blocks.
  const wbl = () => metric('prometheus_tsdb_out_of_order_wbl_storage_size_bytes');
  const before = await wbl();
  if (before > 64 << 20) {
    const head = (await (await fetch(`${b.url}/api/v1/status/tsdb`)).json()).data.headStats;
    // Past 1.5 block ranges (36 h with the benchmark's 1-day blocks) after the head's newest.
    const trigger = Math.max(head.maxTime, Date.now()) + 48 * 3600_000;
    const body = writeRequestOf([
      { labels: { __name__: 'ai_margin_bench_compaction_trigger' }, samples: [[trigger, 1]] },
    ]);
    await remoteWrite([{ body, url: b.writeUrl }], 1);
    while ((await wbl()) > before / 10) {
      if (performance.now() - t0 > 90 * 60_000)
        throw new Error('prometheus: out-of-order compaction did not finish in 90 min');
      await sleep(10_000);
    }
  }
  // Then the merges of the new blocks: no compaction for 30 s.
  let last = await metric('prometheus_tsdb_compactions_total');
  for (let quiet = 0; quiet < 3; ) {
    await sleep(10_000);
    const now = await metric('prometheus_tsdb_compactions_total');
    const busy = (await metric('prometheus_tsdb_compaction_populating_block')) > 0;
    quiet = now === last && !busy ? quiet + 1 : 0;
    last = now;
  }
  const s = (performance.now() - t0) / 1000;
  process.stdout.write(`prom: history in merged blocks after ${s.toFixed(0)} s\n`);
  return s;
}

async function waitEvaluated(url, after, name, maxMs) {
  const deadline = Date.now() + maxMs;
  for (;;) {
    const groups = await ruleGroups(url).catch(() => []);
    // Every rule evaluated since `after` (a group's own timestamp is its start).
    if (
      groups.length > 0 &&
      groups.every((g) => g.last > after && g.rules.every((r) => r.last > after))
    )
      return groups;
    if (Date.now() > deadline)
      throw new Error(
        `${name}: rule groups not evaluated after load: ${JSON.stringify(groups.map((g) => [g.name, g.last]))}`,
      );
    await sleep(1000);
  }
}

async function startProm(env, tmp, days, lookbackS) {
  const port = await freePort();
  const cfg = join(tmp, 'prometheus.yml');
  // Out-of-order window: the history is written in time order, but rule backfills are not, and
  // they come after compactProm's trigger sample 48 h ahead (the window counts back from it).
  writeFileSync(
    cfg,
    `global:\n  evaluation_interval: 1m\nstorage:\n  tsdb:\n    out_of_order_time_window: ${days + 4}d\n`,
  );
  const proc = start('prometheus', env.AI_MARGIN_PROMETHEUS, [
    `--config.file=${cfg}`,
    `--storage.tsdb.path=${join(tmp, 'prom')}`,
    '--storage.tsdb.retention.time=100y',
    `--web.listen-address=127.0.0.1:${port}`,
    '--web.enable-remote-write-receiver',
    '--web.enable-lifecycle',
    '--query.timeout=10m',
    '--query.max-samples=2000000000',
    `--query.lookback-delta=${lookbackS}s`,
    // Out-of-order compaction writes blocks of this size: 30 one-day blocks of remote-written
    // history instead of 360 two-hour ones (over 30 minutes to compact at 10,000 customers).
    '--storage.tsdb.min-block-duration=1d',
    '--log.level=warn',
  ]);
  const url = `http://127.0.0.1:${port}`;
  await waitHttp(`${url}/-/ready`, proc, 'prometheus');
  return { name: 'prom', proc, url, writeUrl: `${url}/api/v1/write`, cfg };
}

/** Starts the rule evaluator of a backend on `rules`; returns a stop function and its API URL. */
async function startRules(env, b, rules) {
  const loaded = Date.now();
  if (b.name === 'vm') {
    const port = await freePort();
    const proc = start('vmalert', env.AI_MARGIN_VMALERT, [
      ...rules.map((f) => `-rule=${f}`),
      `-datasource.url=${b.url}`,
      `-remoteWrite.url=${b.url}`,
      '-remoteWrite.flushInterval=500ms',
      `-httpListenAddr=127.0.0.1:${port}`,
      '-rule.evalDelay=0s',
      '-external.url=http://127.0.0.1',
      '-notifier.blackhole',
      '-loggerLevel=WARN',
    ]);
    const url = `http://127.0.0.1:${port}`;
    await waitHttp(`${url}/-/ready`, proc, 'vmalert');
    // A rule that reads another rule's output sees it one evaluation later (vmalert writes it
    // back by remote write), and only within VictoriaMetrics' 5-minute lookback: when the first
    // evaluation of the long group takes longer than that (100,000 customers), the second one
    // still finds nothing to chain on. Wait for a third evaluation of every rule.
    const first = await waitEvaluated(url, loaded, 'vmalert', 30 * 60_000);
    process.stdout.write(
      `vm: first evaluation: ${first.map((g) => `${g.name} ${g.evaluationTime.toFixed(2)} s`).join(', ')}; waiting for two more\n`,
    );
    const second = await waitEvaluated(url, Date.now(), 'vmalert', 30 * 60_000);
    process.stdout.write(
      `vm: second evaluation: ${second.map((g) => `${g.name} ${g.evaluationTime.toFixed(2)} s`).join(', ')}\n`,
    );
    const groups = await waitEvaluated(url, Date.now(), 'vmalert', 30 * 60_000);
    await sleep(2000);
    await flushVm(b.url);
    return { groups, stop: () => proc.stop() };
  }
  // An attached Prometheus' config may list the rules of an earlier run: replace them.
  const text = readFileSync(b.cfg, 'utf8').replace(/^rule_files:\n(?:[ \t]+-.*\n?)*/m, '');
  writeFileSync(b.cfg, `${text}rule_files:\n${rules.map((f) => `  - ${f}\n`).join('')}`);
  const r = await fetch(`${b.url}/-/reload`, { method: 'POST' });
  if (!r.ok) throw new Error(`prometheus reload: ${r.status} ${await r.text()}`);
  const groups = await waitEvaluated(b.url, loaded, 'prometheus', 30 * 60_000);
  return { groups, stop: async () => {} };
}

/**
 * The 1h recording rules the time series (range) panels read, with the 1h rules they read in
 * turn, and the 1h rules the 1d/7d/30d rules add up hour by hour (their tiles), in rule-file
 * order: the series a 30-day range query or a 30-day rule needs 30 days of.
 */
function trendRules(rules, targets) {
  const all = [];
  for (const f of rules)
    for (const g of parseYaml(readFileSync(f, 'utf8')).groups ?? [])
      for (const r of g.rules ?? []) if (r.record) all.push(r);
  const uses = (expr, name) =>
    new RegExp(`(^|[^\\w:])${name.replaceAll(':', '\\:')}($|[^\\w:])`).test(expr);
  const need = new Set();
  const add = (expr) => {
    // Only the 1h rules: backfilling a 30-day window at every hour would read 30 days per point.
    for (const r of all)
      if (!need.has(r.record) && r.record.endsWith('1h') && uses(expr, r.record)) {
        need.add(r.record);
        add(r.expr);
      }
  };
  const ranged = targets.filter((t) => !t.instant);
  for (const t of ranged) add(t.expr);
  // The 1d/7d/30d rules add up the 1h rules at every whole hour of their window (tiles).
  const tiles = new Set();
  for (const r of all)
    for (const m of r.expr.matchAll(/sum_over_time\(last_over_time\(([\w:]+)\[/g)) tiles.add(m[1]);
  for (const r of all)
    if (tiles.has(r.record) && !need.has(r.record)) {
      need.add(r.record);
      add(r.expr);
    }
  // Rules only other rules read at the latest instant need their value at the end alone.
  return all
    .filter((r) => need.has(r.record))
    .map((r) => ({
      ...r,
      read: tiles.has(r.record) || ranged.some((t) => uses(t.expr, r.record)),
    }));
}

/** An instant query with a long timeout (setup queries over the whole history); `what` names the step in errors. */
async function instantQuery(b, query, time, what) {
  const res = await fetch(`${b.url}/api/v1/query`, {
    method: 'POST',
    body: new URLSearchParams({ query, time: String(time), timeout: '600s' }),
  });
  const j = await res.json();
  if (j.status !== 'success') throw new Error(`${what} ${query}: ${j.error}`);
  return j.data.result;
}

/**
 * The time of the history's last sample (an attached backend may hold an older history than
 * `now`): the fixed-cost pools are sampled from its start to its end.
 */
async function historyEndMs(b, what) {
  const [last] = await instantQuery(
    b,
    'max(max_over_time(timestamp(ai_margin_fixed_cost_monthly_usd)[40d:1h]))',
    Date.now() / 1000,
    what,
  );
  return Math.round(Number(last.value[1]) * 1000);
}

/**
 * Writes the series the trend rules would have recorded over the history, one point per sample
 * interval. Replaying the rules (`vmalert -replay`, `promtool tsdb create-blocks-from rules`)
 * takes about a minute per rule and 2-day chunk on this machine at 10,000 customers, so each rule
 * is evaluated once, at the history's last sample, and every series gets that value times a
 * random factor at each interval: the same series and sample count as a replay (what a range
 * query's time depends on), not the same values. Rules that read earlier rules see their output;
 * a rule no panel reads (the cost detail) gets the last point only.
 */
async function backfill(b, rules, startMs, intervalMs) {
  const t0 = performance.now();
  const q = (query, time) => instantQuery(b, query, time, 'backfill');
  const endMs = await historyEndMs(b, 'backfill');
  let a = 12345;
  const rnd = () => {
    a = (a * 1103515245 + 12345) % 2147483648;
    return a / 2147483648;
  };
  let points = 0;
  for (const r of rules) {
    const result = await q(r.expr, endMs / 1000);
    const seriesOf = (s) => {
      const v = Number(s.value[1]);
      const samples = [];
      // At whole multiples of the interval (whole hours for the tiles of the long windows).
      if (r.read)
        for (let t = Math.ceil(startMs / intervalMs) * intervalMs; t < endMs; t += intervalMs)
          samples.push([t, v * (0.5 + rnd())]);
      samples.push([endMs, v]);
      return { labels: { ...s.metric, ...(r.labels ?? {}), __name__: r.record }, samples };
    };
    // 500 series at a time: at 100,000 customers a rule's 30 days of points do not fit in memory.
    for (let i = 0; i < result.length; i += 500) {
      const chunk = result.slice(i, i + 500).map(seriesOf);
      await remoteWrite([{ body: writeRequestOf(chunk), url: b.writeUrl }], 1);
      points += chunk.reduce((x, y) => x + y.samples.length, 0);
    }
    if (b.name === 'vm') await flushVm(b.url);
  }
  const s = (performance.now() - t0) / 1000;
  process.stdout.write(
    `${b.name}: backfilled ${rules.map((r) => r.record).join(', ')} up to ${new Date(endMs).toISOString()}: ${points} points in ${s.toFixed(0)} s\n`,
  );
  return s;
}

/** Gauges the history holds that rules and panels read with a plain selector (5-minute lookback). */
const LIVE_GAUGES = [
  'ai_margin_customer_info',
  'ai_margin_customer_mrr_usd',
  'ai_margin_fixed_cost_monthly_usd',
  'ai_margin_sdk_info',
];
/** How long the refreshed gauges stay fresh: the rule and panel phases of a 100,000-customer run. */
const REFRESH_AHEAD_MS = 45 * 60_000;

/**
 * A history loaded an hour ago ends an hour ago, and its gauges are stale: the cohort panels and
 * SDK coverage come out empty, as for a service that stopped. A running service exports them
 * every scrape, so write the gauges alive at the history's end again, every minute from now on.
 */
async function refreshGauges(b) {
  const t0 = performance.now();
  const q = (query, time) => instantQuery(b, query, time, 'refresh');
  const nowMs = Math.floor(Date.now() / 60_000) * 60_000;
  const endMs = await historyEndMs(b, 'refresh');
  if (nowMs - endMs < 60_000) return 0;
  const times = [];
  for (
    let t = Math.max(endMs + 60_000, nowMs - 10 * 60_000);
    t <= nowMs + REFRESH_AHEAD_MS;
    t += 60_000
  )
    times.push(t);
  let written = 0;
  for (const name of LIVE_GAUGES) {
    // Alive at the history's end: the series with a sample there (churned customers stay gone).
    const alive = await q(`${name} and timestamp(${name}) == ${endMs / 1000}`, endMs / 1000);
    for (let i = 0; i < alive.length; i += 500) {
      const chunk = alive.slice(i, i + 500).map((s) => ({
        labels: s.metric,
        samples: times.map((t) => [t, Number(s.value[1])]),
      }));
      await remoteWrite([{ body: writeRequestOf(chunk), url: b.writeUrl }], 1);
      written += chunk.length;
    }
  }
  if (b.name === 'vm') await flushVm(b.url);
  const s = (performance.now() - t0) / 1000;
  process.stdout.write(
    `${b.name}: refreshed ${written} gauge series (history ended ${new Date(endMs).toISOString()}) until ${new Date(times.at(-1)).toISOString()} in ${s.toFixed(0)} s\n`,
  );
  return s;
}

async function timePanels(b, targets, o, rangeS, step, rateInterval) {
  const at = Date.now() / 1000;
  const out = [];
  for (const t of targets) {
    const q = substitute(t.expr, t.vars, rangeS, rateInterval);
    const runs = [];
    for (let i = 0; i < o.runs; i++) {
      if (b.name === 'vm') await fetch(`${b.url}/internal/resetRollupResultCache`);
      runs.push(
        t.instant
          ? await promQuery(b.url, '/api/v1/query', { query: q, time: String(at) })
          : await promQuery(b.url, '/api/v1/query_range', {
              query: q,
              start: String(at - rangeS),
              end: String(at),
              step: String(step),
            }),
      );
    }
    const s = Math.max(...runs.map((r) => r.s));
    const kind = t.instant ? 'instant' : 'range';
    out.push({
      key: t.key,
      kind,
      s,
      series: runs[0].series,
      error: runs.find((r) => r.error)?.error,
      ratio: s / BUDGET[kind],
    });
  }
  return out;
}

/**
 * Times `ai-margin report` over the history's window, once per source: `auto` (the recording
 * rules when they cover the window, as a user runs it) and `raw` (every raw sample of the window).
 * Returns one `{ source, s }` or `{ source, error }` per run.
 */
function timeReport(b, o) {
  if (!existsSync(join(ROOT, 'packages/cli/dist/main.js'))) return 'not built (npm run build)';
  return ['auto', 'raw'].map((source) => {
    const t0 = performance.now();
    try {
      const out = execFileSync(
        process.execPath,
        [
          join(ROOT, 'packages/cli/bin/ai-margin.js'),
          'report',
          '--url',
          b.url,
          '--window',
          `${o.days}d`,
          '--source',
          source,
          '--timeout-ms',
          String(QUERY_TIMEOUT_S * 1000),
          '--json',
        ],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
          timeout: 2 * QUERY_TIMEOUT_S * 1000,
          maxBuffer: 1 << 30,
        },
      );
      const s = (performance.now() - t0) / 1000;
      return { source, from: JSON.parse(out.toString()).source.from, s };
    } catch (err) {
      return { source, error: String(err).slice(0, 200) };
    }
  });
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const env = backendPaths();
  const intervalMs = seconds(o.interval) * 1000;
  const endMs = Math.floor(Date.now() / intervalMs) * intervalMs;
  const startMs = endMs - o.days * 86_400_000;
  const series = seriesOf({ customers: o.customers, startMs, endMs, extraLabels: {} });
  const rangeS = o.days * 86400;
  const step = Math.max(60, Math.round(rangeS / 960));
  // Grafana: max($__interval + scrape interval, 4 x scrape interval), with the data source's
  // scrape interval set to the history's sample interval.
  const rateInterval = `${Math.max(step + intervalMs / 1000, (4 * intervalMs) / 1000)}s`;
  const targets = panelTargets(o.generated);
  const baseline = o.baseline ? panelTargets(o.baseline) : [];
  const rules = ruleFiles(o.generated);
  process.stdout.write(
    `history: ${o.customers} customers, ${o.days} days, sample every ${o.interval}, ${series.length} series, ~${Math.round((series.length * (endMs - startMs)) / intervalMs / 1e6)}M samples; ${targets.length} panel queries${o.baseline ? ` (+${baseline.length} baseline)` : ''}; range step ${step}s\n`,
  );
  const results = { options: o, series: series.length, backends: {} };
  const tmp = mkdtempSync(join(tmpdir(), 'ai-margin-bench-'));
  const backends = [];
  const phases = {
    baseline,
    targets,
    rules,
    rangeS,
    step,
    rateInterval,
    results,
    startMs,
    endMs,
    intervalMs,
  };
  if (o.attach) {
    // A backend already holding this history (same --customers/--days/--interval), e.g. one left
    // running by an interrupted run: `--attach prom=http://127.0.0.1:PORT,/tmp/…/prometheus.yml`.
    const [name, rest] = o.attach.split('=', 2);
    const [url, cfg] = rest.split(',');
    rmSync(tmp, { recursive: true, force: true });
    await runPhases([{ name, url, writeUrl: `${url}/api/v1/write`, cfg }], env, o, {
      ...phases,
      load: 0,
    });
    return;
  }
  try {
    for (const name of o.backends.split(','))
      backends.push(
        name === 'vm'
          ? await startVm(env, tmp, (2 * intervalMs) / 1000)
          : await startProm(env, tmp, o.days, (2 * intervalMs) / 1000),
      );
    // One generation, written to every backend.
    const t0 = performance.now();
    const bodies = remoteWriteBodies(series, { startMs, endMs, intervalMs });
    const tee = (function* () {
      for (const x of bodies) for (const b of backends) yield { ...x, url: b.writeUrl };
    })();
    await remoteWrite(tee, 2);
    for (const b of backends) if (b.name === 'vm') await flushVm(b.url);
    for (const b of backends) if (b.name === 'prom') await compactProm(b);
    const load = (performance.now() - t0) / 1000;
    process.stdout.write(
      `loaded into ${backends.map((b) => b.name).join(' and ')} in ${load.toFixed(0)} s\n`,
    );
    if (o.keep) {
      // Load once, measure many times: keep the loaded backends until this process is stopped.
      for (const b of backends)
        process.stdout.write(
          `kept: --attach ${b.name}=${b.url}${b.cfg ? `,${b.cfg}` : ''} (data in ${tmp}); stop this process to end\n`,
        );
      await new Promise((r) => {
        process.once('SIGINT', r);
        process.once('SIGTERM', r);
      });
      return;
    }
    await runPhases(backends, env, o, { ...phases, load });
  } finally {
    for (const b of backends) await b.proc.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Per backend: the baseline dashboards (no rules), then the rules and the dashboards. */
async function runPhases(backends, env, o, x) {
  const { baseline, targets, rules, rangeS, step, rateInterval, load, results } = x;
  for (const b of backends) {
    const res = { load, baseline: [], queries: [], rules: [] };
    results.backends[b.name] = res;
    if (b.name === 'prom') res.compaction = await compactProm(b);
    if (o.backfill) {
      res.backfill = await backfill(b, trendRules(rules, targets), x.startMs, x.intervalMs);
      if (b.name === 'prom') res.compaction += await compactProm(b);
    }
    res.refresh = await refreshGauges(b);
    if (baseline.length) {
      res.baseline = await timePanels(b, baseline, o, rangeS, step, rateInterval);
      printTable(
        b.name,
        'before (baseline dashboards, raw series)',
        res.baseline,
        [],
        undefined,
        o,
      );
    }
    const ev = await startRules(env, b, rules);
    res.rules = ev.groups;
    for (const g of res.rules)
      for (const r of g.rules)
        if (r.health === 'err' || r.lastError)
          process.stdout.write(`  rule error ${r.name}: ${r.lastError}\n`);
    res.queries = await timePanels(b, targets, o, rangeS, step, rateInterval);
    if (o.report) res.report = timeReport(b, o);
    await ev.stop();
    printTable(b.name, o.label || 'dashboards', res.queries, res.rules, res.report, o);
    if (o.json) writeFileSync(o.json, JSON.stringify(results, null, 2));
  }
}

function printTable(backend, label, queries, rules, report, o) {
  const qs = [...queries].sort((a, b) => b.ratio - a.ratio);
  const within = (k) =>
    `${qs.filter((q) => q.kind === k && q.ratio <= 1 && !q.error).length}/${qs.filter((q) => q.kind === k).length}`;
  const median = (k) => {
    const v = qs
      .filter((q) => q.kind === k)
      .map((q) => q.s)
      .sort((a, b) => a - b);
    return v.length ? v[Math.floor(v.length / 2)] : 0;
  };
  const max = (k) => Math.max(0, ...qs.filter((q) => q.kind === k).map((q) => q.s));
  process.stdout.write(
    `\n== ${backend}: ${label} (${o.customers} customers, ${o.days} d, every ${o.interval}) ==\n` +
      `within budget: instant ${within('instant')} (median ${median('instant').toFixed(2)} s, max ${max('instant').toFixed(2)} s), range ${within('range')} (median ${median('range').toFixed(2)} s, max ${max('range').toFixed(2)} s)\n` +
      (report !== undefined
        ? `ai-margin report --window ${o.days}d: ${typeof report === 'string' ? report : report.map((r) => `--source ${r.source}${r.from ? ` (${r.from})` : ''} ${r.error ?? `${r.s.toFixed(1)} s`}`).join('; ')}\n`
        : '') +
      (rules.length
        ? `rule evaluation per group: ${rules.map((g) => `${g.name} ${g.evaluationTime.toFixed(2)} s`).join(', ')}\n`
        : ''),
  );
  process.stdout.write(
    `${'query'.padEnd(78)} ${'kind'.padEnd(7)} ${'s'.padStart(7)} ${'xbudget'.padStart(8)} series\n`,
  );
  for (const q of qs.slice(0, o.top))
    process.stdout.write(
      `${q.key.slice(0, 78).padEnd(78)} ${q.kind.padEnd(7)} ${q.s.toFixed(2).padStart(7)} ${q.ratio.toFixed(2).padStart(8)} ${q.error ? `ERROR ${q.error.slice(0, 80)}` : q.series}\n`,
    );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
