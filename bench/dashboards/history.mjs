// Synthetic history of every series the ai-margin processor exports, for the dashboard scale
// benchmark: N customers, each using about three (model, feature) pairs of 8 models and 5
// features, counters (cost, tokens by bucket, requests, usage revenue), per-customer gauges (MRR,
// info), fixed-cost pools, unpriced calls, SDK info, daily reconciliation gauges; 5% of customers
// sign up during the history, 5% churn before its end, and every counter resets once (a process
// restart) in the middle. Encoded as Prometheus remote-write requests (protobuf + snappy), which
// both VictoriaMetrics (/api/v1/write) and Prometheus (--web.enable-remote-write-receiver) accept.

export const MODELS = [
  ['openai', 'gpt-4o', 2.5e-6, 10e-6],
  ['openai', 'gpt-4o-mini', 0.15e-6, 0.6e-6],
  ['openai', 'o3', 2e-6, 8e-6],
  ['openai', 'gpt-4.1-nano', 0.1e-6, 0.4e-6],
  ['anthropic', 'claude-sonnet-4', 3e-6, 15e-6],
  ['anthropic', 'claude-haiku-3.5', 0.8e-6, 4e-6],
  ['anthropic', 'claude-opus-4', 15e-6, 75e-6],
  ['google', 'gemini-2.5-flash', 0.3e-6, 2.5e-6],
];
export const FEATURES = ['chat', 'search', 'summarize', 'agent', 'autocomplete'];
const PLANS = [
  ['free', 0],
  ['starter', 49],
  ['pro', 199],
  ['enterprise', 1999],
];

/** Small deterministic PRNG (mulberry32). */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The series of the history. Each has labels, kind ('counter' | 'gauge'), a per-second rate or a
 * constant value, and a [from, to] life in ms.
 * @param {{customers:number, startMs:number, endMs:number, extraLabels:Record<string,string>}} o
 */
export function seriesOf(o) {
  const rnd = prng(42);
  const out = [];
  const base = { job: 'ai-margin-bench', instance: 'bench-0:9464', ...o.extraLabels };
  const span = o.endMs - o.startMs;
  const month = (ms) => new Date(ms).toISOString().slice(0, 7);
  for (let i = 0; i < o.customers; i++) {
    const id = `cust-${String(i).padStart(6, '0')}`;
    let from = o.startMs;
    let to = o.endMs;
    const r = rnd();
    if (r < 0.05)
      from = o.startMs + Math.floor(rnd() * span * 0.9); // signs up
    else if (r < 0.1) to = o.startMs + Math.floor(span * 0.1 + rnd() * span * 0.8); // churns
    const [plan, mrr] = PLANS[Math.floor(rnd() * PLANS.length)];
    // Heavy-tailed usage: most customers light, a few heavy (USD per second of LLM cost).
    const usd = 1e-6 * Math.exp(rnd() * 7);
    const ageMonths = Math.floor(rnd() * 24);
    const signup = from - ageMonths * 30 * 86_400_000;
    const c = { customer_id: id };
    out.push({
      labels: {
        __name__: 'ai_margin_customer_info',
        ...base,
        ...c,
        plan,
        customer_cohort: month(signup),
        customer_age_month: String(ageMonths),
        segment: rnd() < 0.3 ? 'smb' : 'mid',
      },
      kind: 'gauge',
      value: 1,
      from,
      to,
    });
    if (mrr > 0)
      out.push({
        labels: { __name__: 'ai_margin_customer_mrr_usd', ...base, ...c, plan },
        kind: 'gauge',
        value: mrr,
        from,
        to,
      });
    const pairs = new Set();
    const nPairs = 2 + Math.floor(rnd() * 3); // 2..4, about 3
    while (pairs.size < nPairs)
      pairs.add(`${Math.floor(rnd() * MODELS.length)}|${Math.floor(rnd() * FEATURES.length)}`);
    const features = new Set();
    for (const p of pairs) {
      const [mi, fi] = p.split('|').map(Number);
      const [provider, model, inPrice, outPrice] = MODELS[mi];
      const feature = FEATURES[fi];
      features.add(feature);
      const share = usd * (0.2 + rnd());
      const l = { ...base, ...c, feature, provider, model };
      // Tokens per second such that input*inPrice + output*outPrice = share.
      const inTok = (share * 0.6) / inPrice;
      const outTok = (share * 0.4) / outPrice;
      out.push({
        labels: { __name__: 'ai_margin_cost_usd_total', ...l, cost_type: 'llm' },
        kind: 'counter',
        rate: share,
        from,
        to,
      });
      out.push({
        labels: { __name__: 'ai_margin_tokens_total', ...l, token_type: 'input' },
        kind: 'counter',
        rate: inTok * 0.7,
        from,
        to,
      });
      out.push({
        labels: { __name__: 'ai_margin_tokens_total', ...l, token_type: 'cache_read' },
        kind: 'counter',
        rate: inTok * 0.3,
        from,
        to,
      });
      out.push({
        labels: { __name__: 'ai_margin_tokens_total', ...l, token_type: 'output' },
        kind: 'counter',
        rate: outTok,
        from,
        to,
      });
      out.push({
        labels: { __name__: 'ai_margin_requests_total', ...l, priced: 'true' },
        kind: 'counter',
        rate: share / 0.002,
        from,
        to,
      });
    }
    if (plan !== 'free' || rnd() < 0.5)
      for (const feature of features)
        out.push({
          labels: {
            __name__: 'ai_margin_revenue_usd_total',
            ...base,
            ...c,
            feature,
            revenue_type: 'usage',
          },
          kind: 'counter',
          rate: (usd * (0.5 + rnd() * 1.5)) / features.size,
          from,
          to,
        });
  }
  const all = { from: o.startMs, to: o.endMs };
  out.push({
    labels: {
      __name__: 'ai_margin_fixed_cost_monthly_usd',
      ...base,
      pool: 'vector-db',
      allocate_by: 'requests',
    },
    kind: 'gauge',
    value: 1200,
    ...all,
  });
  out.push({
    labels: {
      __name__: 'ai_margin_fixed_cost_monthly_usd',
      ...base,
      pool: 'gpu-reserved',
      allocate_by: 'tokens',
    },
    kind: 'gauge',
    value: 8000,
    ...all,
  });
  out.push({
    labels: {
      __name__: 'ai_margin_unpriced_requests_total',
      ...base,
      provider: 'openai',
      model: 'gpt-5-preview',
      reason: 'unknown_model',
    },
    kind: 'counter',
    rate: 0.01,
    ...all,
  });
  out.push({
    labels: {
      __name__: 'ai_margin_sdk_info',
      ...base,
      sdk: 'openai',
      sdk_version: '5.10.0',
      status: 'instrumented',
    },
    kind: 'gauge',
    value: 1,
    ...all,
  });
  out.push({
    labels: {
      __name__: 'ai_margin_sdk_info',
      ...base,
      sdk: '@anthropic-ai/sdk',
      sdk_version: '0.56.0',
      status: 'instrumented',
    },
    kind: 'gauge',
    value: 1,
    ...all,
  });
  out.push({
    labels: { __name__: 'ai_margin_processor_errors_total', ...base, kind: 'export' },
    kind: 'counter',
    rate: 0,
    ...all,
  });
  for (const [provider, model] of MODELS) {
    const l = { ...base, provider, model };
    out.push({
      labels: { __name__: 'ai_margin_reconciliation_ratio', ...l },
      kind: 'daily',
      value: 1.01,
      ...all,
    });
    out.push({
      labels: { __name__: 'ai_margin_provisional_cost_usd', ...l },
      kind: 'daily',
      value: 100,
      ...all,
    });
    out.push({
      labels: { __name__: 'ai_margin_reconciled_cost_usd', ...l },
      kind: 'daily',
      value: 101,
      ...all,
    });
  }
  return out;
}

// ---- remote-write encoding ---------------------------------------------------------------

class Writer {
  constructor(size = 1 << 20) {
    this.buf = Buffer.allocUnsafe(size);
    this.pos = 0;
  }
  ensure(n) {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
  varint(n) {
    this.ensure(10);
    while (n >= 128) {
      this.buf[this.pos++] = (n % 128) | 128;
      n = Math.floor(n / 128);
    }
    this.buf[this.pos++] = n;
  }
  bytes(b) {
    this.ensure(b.length);
    b.copy(this.buf, this.pos);
    this.pos += b.length;
  }
  double(v) {
    this.ensure(8);
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
  }
}

function labelBytes(labels) {
  const w = new Writer(1024);
  for (const k of Object.keys(labels).sort()) {
    const name = Buffer.from(k);
    const value = Buffer.from(labels[k]);
    const inner = new Writer(name.length + value.length + 8);
    inner.varint(0x0a);
    inner.varint(name.length);
    inner.bytes(name);
    inner.varint(0x12);
    inner.varint(value.length);
    inner.bytes(value);
    w.varint(0x0a); // TimeSeries.labels = 1
    w.varint(inner.pos);
    w.bytes(inner.buf.subarray(0, inner.pos));
  }
  return Buffer.from(w.buf.subarray(0, w.pos));
}

function varintLen(n) {
  let l = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    l++;
  }
  return l;
}

/** Snappy block format with literals only: valid input for every snappy decoder. */
export function snappyLiteral(data) {
  const w = new Writer(data.length + 16 + Math.ceil(data.length / 65536) * 3);
  w.varint(data.length);
  for (let off = 0; off < data.length; off += 65536) {
    const n = Math.min(65536, data.length - off);
    w.ensure(3);
    if (n - 1 < 60) w.buf[w.pos++] = (n - 1) << 2;
    else if (n - 1 < 256) {
      w.buf[w.pos++] = 60 << 2;
      w.buf[w.pos++] = n - 1;
    } else {
      w.buf[w.pos++] = 61 << 2;
      w.buf[w.pos++] = (n - 1) & 0xff;
      w.buf[w.pos++] = (n - 1) >> 8;
    }
    w.bytes(data.subarray(off, off + n));
  }
  return w.buf.subarray(0, w.pos);
}

/**
 * Yields remote-write request bodies (snappy-compressed WriteRequest) in time order: the history
 * is cut in chunks of `chunkSteps` samples, and every chunk holds all series' samples of that
 * time span, so a TSDB that only accepts in-order samples takes them.
 */
export function* remoteWriteBodies(series, o) {
  const step = o.intervalMs;
  const first = Math.ceil(o.startMs / step) * step;
  const resetAt = first + Math.floor((o.endMs - first) / step / 2) * step;
  const chunkSteps = o.chunkSteps ?? 96;
  const perRequest = o.seriesPerRequest ?? 4000;
  const state = series.map(() => 0);
  const labelBufs = series.map((s) => labelBytes(s.labels));
  const rnd = prng(7);
  const samples = new Writer(chunkSteps * 24);
  for (let t0 = first; t0 <= o.endMs; t0 += chunkSteps * step) {
    const t1 = Math.min(o.endMs, t0 + (chunkSteps - 1) * step);
    let w = new Writer(4 << 20);
    let n = 0;
    for (let i = 0; i < series.length; i++) {
      const s = series[i];
      samples.pos = 0;
      let count = 0;
      for (let t = t0; t <= t1; t += step) {
        if (t < s.from || t > s.to) continue;
        let v;
        if (s.kind === 'counter') {
          if (t === resetAt) state[i] = 0;
          else state[i] += s.rate * (step / 1000) * (0.5 + rnd());
          v = state[i];
        } else if (s.kind === 'daily') {
          if (t % 86_400_000 !== 0) continue;
          v = s.value;
        } else v = s.value;
        const ms = t;
        const body = 1 + 8 + 1 + varintLen(ms);
        samples.varint(0x12); // TimeSeries.samples = 2
        samples.varint(body);
        samples.varint(0x09); // Sample.value = 1 (fixed64)
        samples.double(v);
        samples.varint(0x10); // Sample.timestamp = 2 (varint)
        samples.varint(ms);
        count++;
      }
      if (count === 0) continue;
      const len = labelBufs[i].length + samples.pos;
      w.varint(0x0a); // WriteRequest.timeseries = 1
      w.varint(len);
      w.bytes(labelBufs[i]);
      w.bytes(samples.buf.subarray(0, samples.pos));
      n++;
      if (n >= perRequest) {
        yield { body: snappyLiteral(w.buf.subarray(0, w.pos)), samples: n };
        w = new Writer(4 << 20);
        n = 0;
      }
    }
    if (n > 0) yield { body: snappyLiteral(w.buf.subarray(0, w.pos)), samples: n };
  }
}

/** POSTs every `{ body, url }` to its remote-write URL, `parallel` requests at a time. */
export async function remoteWrite(items, parallel = 2) {
  const inflight = new Set();
  let failure;
  for (const { body, url } of items) {
    if (failure) throw failure;
    const post = () =>
      fetch(url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-protobuf',
          'Content-Encoding': 'snappy',
          'X-Prometheus-Remote-Write-Version': '0.1.0',
        },
        body,
      });
    // A kept-alive connection the server closed meanwhile fails (EPIPE): up to 3 attempts.
    const attempt = (n) =>
      post().catch((err) =>
        n >= 3
          ? Promise.reject(err)
          : new Promise((r) => setTimeout(r, 1000)).then(() => attempt(n + 1)),
      );
    const p = attempt(1)
      .then(async (r) => {
        if (!r.ok) throw new Error(`remote write to ${url}: ${r.status} ${await r.text()}`);
      })
      .catch((err) => {
        failure ??= err;
      })
      .finally(() => inflight.delete(p));
    inflight.add(p);
    if (inflight.size >= parallel) await Promise.race(inflight);
  }
  await Promise.all(inflight);
  if (failure) throw failure;
}

/**
 * One remote-write request body for given samples: `[{ labels, samples: [[ms, value], …] }]`
 * (the benchmark's backfill of recording-rule outputs).
 */
export function writeRequestOf(timeseries) {
  const w = new Writer(4 << 20);
  const samples = new Writer(1024);
  for (const ts of timeseries) {
    const labels = labelBytes(ts.labels);
    samples.pos = 0;
    for (const [ms, v] of ts.samples) {
      samples.varint(0x12);
      samples.varint(1 + 8 + 1 + varintLen(ms));
      samples.varint(0x09);
      samples.double(v);
      samples.varint(0x10);
      samples.varint(ms);
    }
    w.varint(0x0a);
    w.varint(labels.length + samples.pos);
    w.bytes(labels);
    w.bytes(samples.buf.subarray(0, samples.pos));
  }
  return snappyLiteral(w.buf.subarray(0, w.pos));
}
