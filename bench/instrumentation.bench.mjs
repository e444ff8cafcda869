#!/usr/bin/env node
// Per-call overhead of the OpenAI instrumentation in one run: uninstrumented vs ours vs ours +
// MarginSpanProcessor (cost + attribution) vs @opentelemetry/instrumentation-openai (contrib).
// One child process per transport (instrumentation.child.cjs): against the local provider
// simulator over HTTP, and against an in-process stub fetch that isolates the SDK +
// instrumentation CPU cost. Inside a child, the modes alternate in small batches so they share
// the same machine load. Env: BENCH_BATCHES (default 30), BENCH_BATCH_SIZE (default 100).
// Requires the built packages (`npm run bench` builds first).
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const require = createRequire(import.meta.url);
const { startProviderSim } = require('@ai-margin/provider-sim');
const here = dirname(fileURLToPath(import.meta.url));
const BATCHES = Number(process.env.BENCH_BATCHES ?? 30);
const BATCH_SIZE = Number(process.env.BENCH_BATCH_SIZE ?? 100);
const MODES = ['none', 'ours', 'ours+processor', 'contrib'];
const TRANSPORTS = ['stub', 'http'];

const sim = await startProviderSim();
const results = {};
try {
  for (const transport of TRANSPORTS) {
    const args = [
      join(here, 'instrumentation.child.cjs'),
      transport,
      String(BATCHES),
      String(BATCH_SIZE),
      sim.url,
    ];
    const { stdout } = await promisify(execFile)(process.execPath, args, { timeout: 900_000 });
    const out = JSON.parse(stdout.trim().split('\n').at(-1));
    results[transport] = out.modes;
    // Sanity: both instrumentations really recorded spans in their modes.
    for (const scope of ['@ai-margin/instrumentation', '@opentelemetry/instrumentation-openai']) {
      if (!(out.spansByScope[scope] > 0)) throw new Error(`${transport}: no spans from ${scope}`);
    }
    console.log(`${transport}: spans exported per scope ${JSON.stringify(out.spansByScope)}`);
  }
} finally {
  await sim.close();
}

const f = (n, w = 8) => n.toFixed(1).padStart(w);
console.log(
  `openai chat.completions.create: ${BATCHES} batches x ${BATCH_SIZE} calls per mode, ` +
    'median batch mean of client-process CPU µs per call (plain = non-streaming; stream = 4 chunks + usage)',
);
for (const transport of TRANSPORTS) {
  const r = results[transport];
  console.log(
    `\n${transport === 'http' ? 'local provider simulator over HTTP' : 'in-process stub fetch (no network)'}`,
  );
  console.log('mode             plain CPU µs  overhead   ratio | stream CPU µs  overhead   ratio');
  for (const mode of MODES) {
    const p = r[mode].plainUs;
    const s = r[mode].streamUs;
    const op = p - r.none.plainUs;
    const os = s - r.none.streamUs;
    console.log(
      `${mode.padEnd(15)} ${f(p, 14)} ${f(op, 9)} ${(p / r.none.plainUs).toFixed(3).padStart(7)} | ` +
        `${f(s, 13)} ${f(os, 9)} ${(s / r.none.streamUs).toFixed(3).padStart(7)}`,
    );
  }
  for (const mode of ['ours', 'ours+processor']) {
    const rp = r[mode].plainUs / r.contrib.plainUs;
    const rs = r[mode].streamUs / r.contrib.streamUs;
    console.log(
      `${mode} / contrib per-call CPU time: plain ${rp.toFixed(3)}, stream ${rs.toFixed(3)} (<= 1: no slower)`,
    );
  }
}
