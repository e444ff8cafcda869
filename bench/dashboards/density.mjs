#!/usr/bin/env node
// What a 30-day rule costs as the sample rate grows. The 30-day cost rollup as it was (one
// `increase(raw[30d])` over every raw series) and as it is (the 1h rule's hourly tiles plus 2 h of
// raw samples, design note 22), timed side by side on the same data in one real VictoriaMetrics,
// once per sample interval. The main benchmark (run.mjs) loads hourly samples, where the two
// read about as many samples; production scrapes or exports every 15-60 s.
//
//   node bench/dashboards/density.mjs [--groups 300] [--replicas 3] [--days 30]
//        [--intervals 1h,15m,1m] [--runs 3]
//
// Raw series: groups x replicas cost counters (one per customer/feature/model and replica).
// Tiles: the 1h rule's series (one per group), written every minute (as a rule evaluator records
// them) or at the sample interval if that is longer. Each query runs as an instant query at the
// last whole hour with nocache=1, best of --runs; the two results are compared (they must agree:
// at a whole hour the tiled form is exact on VictoriaMetrics).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { remoteWrite, writeRequestOf } from './history.mjs';
import { backendPaths, startVm } from './procs.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 };
const seconds = (d) => Number(d.slice(0, -1)) * SECONDS[d.at(-1)];
const TILE = 'customer_feature_model:ai_margin_cost_usd:increase1h';
const LABELS = ['customer_id', 'feature', 'provider', 'model', 'cost_type'];
const SCOPE = ['deployment_environment_name', 'cluster'];

const o = { groups: 300, replicas: 3, days: 30, intervals: '1h,15m,1m', runs: 3 };
for (let i = 2; i < process.argv.length; i += 2) {
  const k = process.argv[i].replace(/^--/, '');
  if (!(k in o)) throw new Error(`unknown option --${k}`);
  o[k] = typeof o[k] === 'number' ? Number(process.argv[i + 1]) : process.argv[i + 1];
}

/** The shipped 30-day rule (tiles), and the raw form it replaced. */
const rules = parseYaml(
  readFileSync(join(ROOT, 'packages/dashboards/generated/rules/ai-margin-recording.yml'), 'utf8'),
).groups.flatMap((g) => g.rules);
const tiled = rules.find(
  (r) => r.record === 'customer_feature_model:ai_margin_cost_usd:increase30d',
).expr;
const raw = `sum by (${[...LABELS, ...SCOPE].join(', ')}) (increase(ai_margin_cost_usd_total[30d]))`;

const groupLabels = (g) => ({
  customer_id: `c${g}`,
  feature: 'chat',
  provider: 'openai',
  model: `m${g % 8}`,
  cost_type: 'llm',
});

/** Remote-write bodies of the raw counters and the tiles, 20 series-days each, in time order per series. */
function* bodies(writeUrl, intervalS, startS, endS) {
  const perSecond = (g) => 0.001 * (1 + (g % 7));
  let batch = [];
  function* add(labels, samples) {
    batch.push({ labels, samples });
    if (batch.length >= 20) {
      yield { body: writeRequestOf(batch), url: writeUrl };
      batch = [];
    }
  }
  // Tiles: what the 1h rule records (every minute, or at each sample if rarer).
  const tileS = Math.max(intervalS, 60);
  for (let day = startS; day < endS; day += 86_400) {
    const until = Math.min(day + 86_400, endS + 1);
    for (let g = 0; g < o.groups; g++) {
      for (let r = 0; r < o.replicas; r++) {
        const samples = [];
        for (let t = day; t < until; t += intervalS)
          samples.push([t * 1000, (t - startS) * perSecond(g)]);
        yield* add(
          { __name__: 'ai_margin_cost_usd_total', ...groupLabels(g), instance: `r${r}` },
          samples,
        );
      }
      const tiles = [];
      for (let t = day; t < until; t += tileS)
        if (t - startS >= 3600) tiles.push([t * 1000, 3600 * perSecond(g) * o.replicas]);
      yield* add({ __name__: TILE, ...groupLabels(g) }, tiles);
    }
  }
  if (batch.length) yield { body: writeRequestOf(batch), url: writeUrl };
}

async function load(vm, intervalS, startS, endS) {
  await remoteWrite(bodies(vm.writeUrl, intervalS, startS, endS), 2);
  await fetch(`${vm.url}/internal/force_flush`);
  await fetch(`${vm.url}/internal/resetRollupResultCache`);
}

async function timeQuery(vm, query, at) {
  let best = Number.POSITIVE_INFINITY;
  let total = 0;
  for (let i = 0; i < o.runs; i++) {
    const t0 = performance.now();
    const res = await fetch(`${vm.url}/api/v1/query`, {
      method: 'POST',
      body: new URLSearchParams({ query, time: String(at), nocache: '1' }),
    });
    const j = await res.json();
    if (j.status !== 'success') throw new Error(`${j.error}\n${query}`);
    best = Math.min(best, (performance.now() - t0) / 1000);
    total = j.data.result.reduce((x, s) => x + Number(s.value[1]), 0);
  }
  return { s: best, total };
}

const env = backendPaths();
const endS = Math.floor(Date.now() / 1000 / 3600) * 3600 - 3600;
const startS = endS - o.days * 86_400 - 4 * 3600;
process.stdout.write(
  `${o.groups} groups x ${o.replicas} replicas, ${o.days} days; best of ${o.runs}, instant query at the last whole hour\n` +
    `${'sample interval'.padEnd(16)} ${'raw samples'.padStart(12)} ${'raw 30d (s)'.padStart(12)} ${'tiles (s)'.padStart(10)} ${'ratio'.padStart(7)}  totals agree\n`,
);
for (const interval of o.intervals.split(',')) {
  const intervalS = seconds(interval);
  const tmp = mkdtempSync(join(tmpdir(), 'ai-margin-density-'));
  const vm = await startVm(env, tmp, 2 * intervalS);
  try {
    await load(vm, intervalS, startS, endS);
    const before = await timeQuery(vm, raw, endS);
    const after = await timeQuery(vm, tiled, endS);
    const samples = o.groups * o.replicas * Math.floor((endS - startS) / intervalS);
    const agree = Math.abs(before.total - after.total) <= 1e-9 * Math.abs(before.total);
    process.stdout.write(
      `${interval.padEnd(16)} ${String(samples).padStart(12)} ${before.s.toFixed(3).padStart(12)} ${after.s.toFixed(3).padStart(10)} ${(before.s / after.s).toFixed(1).padStart(6)}x  ${agree ? 'yes' : `no: ${before.total} vs ${after.total}`}\n`,
    );
  } finally {
    await vm.proc.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}
