#!/usr/bin/env node
// Price lookup and cost-engine throughput on one core, against the BUILT package
// (run `npm run build -w @ai-margin/processor` first; `npm run bench` does).
// Mix: dated snapshot ids, short aliases, moving aliases, Bedrock geo-prefixed ids and ARNs,
// instants spread across every period of every model, plus ~5% unknown ids.
import { PriceBook, priceCall } from '../packages/processor/dist/index.js';

const TARGET_LOOKUPS_PER_SEC = 2_000_000;
const RUN_MS = Number(process.env.BENCH_MS ?? 1500);
const DAY = 86_400_000;

const book = PriceBook.shipped();
const queries = [];
for (const entry of book.list()) {
  const ids = [entry.model, ...entry.aliases];
  if (entry.provider === 'aws.bedrock') {
    for (const id of [entry.model, ...entry.aliases]) {
      ids.push(`us.${id}`, `eu.${id}`, `global.${id}`);
      ids.push(`arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.${id}`);
    }
  }
  for (const period of entry.periods) {
    const from = Date.parse(
      period.effectiveFrom.length === 10
        ? `${period.effectiveFrom}T00:00:00Z`
        : period.effectiveFrom,
    );
    for (const id of ids) {
      queries.push({ provider: entry.provider, model: id, at: from + DAY });
      queries.push({ provider: entry.provider, model: id, at: from + 45 * DAY + 12_345 });
    }
  }
}
for (const alias of book.listMovingAliases()) {
  for (const t of alias.targets) {
    const from = Date.parse(
      t.effectiveFrom.length === 10 ? `${t.effectiveFrom}T00:00:00Z` : t.effectiveFrom,
    );
    queries.push({ provider: alias.provider, model: alias.alias, at: from + DAY });
  }
}
const known = queries.length;
for (let i = 0; i < Math.ceil(known / 20); i++) {
  queries.push({ provider: 'openai', model: `unknown-model-${i % 50}`, at: Date.UTC(2025, 0, 1) });
}
// Deterministic shuffle so consecutive lookups do not hit the same entry.
let seed = 42;
for (let i = queries.length - 1; i > 0; i--) {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  const j = seed % (i + 1);
  [queries[i], queries[j]] = [queries[j], queries[i]];
}
if (queries.length === 0) {
  console.log('no shipped prices to benchmark');
  process.exit(0);
}
const usages = [
  { input: 1200, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 0, output: 350, reasoning: 0 },
  {
    input: 800,
    cacheRead: 15_000,
    cacheWrite5m: 2000,
    cacheWrite1h: 0,
    output: 900,
    reasoning: 400,
  },
  { input: 210_000, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 0, output: 2000, reasoning: 0 },
];
const requests = queries.map((q, i) => ({ ...q, usage: usages[i % usages.length] }));

function measure(name, fn) {
  // Warm up, then run in batches until the time budget is spent.
  for (let i = 0; i < 200_000; i++) fn(i);
  let ops = 0;
  let sink = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(RUN_MS) * 1_000_000n;
  let now = start;
  while (now < deadline) {
    for (let k = 0; k < 100_000; k++) sink += fn(ops + k);
    ops += 100_000;
    now = process.hrtime.bigint();
  }
  const seconds = Number(now - start) / 1e9;
  return { name, ops, seconds, perSec: ops / seconds, sink };
}

const n = queries.length;
const lookup = measure('PriceBook.lookup', (i) => {
  const q = queries[i % n];
  return book.lookup(q.provider, q.model, q.at).found ? 1 : 0;
});
const cost = measure('priceCall', (i) => {
  const r = priceCall(book, requests[i % n]);
  return r.priced ? 1 : 0;
});

const fmt = (x) => Math.round(x).toLocaleString('en-US');
const rows = [
  ['operation', 'ops', 'seconds', 'ops/s', 'target', 'result'],
  [
    lookup.name,
    fmt(lookup.ops),
    lookup.seconds.toFixed(2),
    fmt(lookup.perSec),
    `>= ${fmt(TARGET_LOOKUPS_PER_SEC)}`,
    lookup.perSec >= TARGET_LOOKUPS_PER_SEC ? 'ok' : 'BELOW TARGET',
  ],
  [cost.name, fmt(cost.ops), cost.seconds.toFixed(2), fmt(cost.perSec), '-', '-'],
];
const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
console.log(
  `price book: ${book.list().length} models; query mix: ${n} distinct (${known} priced ids/instants, ${n - known} unknown)`,
);
for (const r of rows)
  console.log(
    r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '),
  );
