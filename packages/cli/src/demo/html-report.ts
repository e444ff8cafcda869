/**
 * The margin report as one self-contained HTML file: tables plus uPlot charts, with uPlot's
 * script and stylesheet inlined so the file opens offline and can be mailed to people who have
 * no Grafana. Every string from the data is HTML-escaped; the chart data travels as JSON.
 */
import { loadUplotAssets } from './assets';
import { int, percent, share, usd } from './format';
import { featureCells, modelCells } from './report-cells';
import { type DemoReport, formatTokens } from './report-model';
import { monthLabel, type RunInfo } from './terminal-report';

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON safe inside a <script> element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028|\u2029/g, '');
}

function tableHtml(
  headers: readonly { label: string; num?: boolean }[],
  rows: readonly (readonly string[])[],
  opts: { id?: string; rowAttrs?: readonly string[]; rowClass?: readonly string[] } = {},
): string {
  const head = headers
    .map((h) => `<th${h.num ? ' class="num"' : ''}>${esc(h.label)}</th>`)
    .join('');
  const body = rows
    .map((r, i) => {
      const cls = opts.rowClass?.[i] ? ` class="${opts.rowClass[i]}"` : '';
      const attrs = opts.rowAttrs?.[i] ? ` ${opts.rowAttrs[i]}` : '';
      const cells = r
        .map((c, j) => `<td${headers[j]?.num ? ' class="num"' : ''}>${c}</td>`)
        .join('');
      return `<tr${cls}${attrs}>${cells}</tr>`;
    })
    .join('\n');
  return `<table${opts.id ? ` id="${opts.id}"` : ''}><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

/** Background colour of a margin-% cell: red below 0, amber to 40%, green above. */
function heat(v: number | null): string {
  if (v === null) return '';
  if (v < 0) return 'background:#fbd5d5';
  if (v < 40) return 'background:#fdf0c8';
  return `background:rgba(46,160,67,${Math.min(0.45, 0.12 + v / 250).toFixed(2)})`;
}

const CHART_SCRIPT = `
(function () {
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var palette = ['#2f6fde','#e4572e','#29a36a','#f0a202','#8e44ad','#16a2b8','#d6336c','#6c757d','#795548','#20c997'];
  var W = 560, H = 260, legend = { live: false };
  function cat(labels) {
    return { x: { time: false, range: function () { return [-0.6, labels.length - 0.4]; } } };
  }
  function catAxis(labels) {
    return { splits: function () { return labels.map(function (_, i) { return i; }); },
      values: function (u, splits) { return splits.map(function (i) { return labels[i] == null ? '' : labels[i]; }); } };
  }
  var bars = uPlot.paths.bars({ size: [0.7, 60] });
  function money(u, vals) { return vals.map(function (v) { return v == null ? '' : '$' + (Math.abs(v) >= 1000 ? (v / 1000).toFixed(0) + 'k' : v.toFixed(0)); }); }
  function pct(u, vals) { return vals.map(function (v) { return v == null ? '' : v.toFixed(0) + '%'; }); }
  function xs(n) { var a = []; for (var i = 0; i < n; i++) a.push(i); return a; }
  function mount(id, opts, d) { var el = document.getElementById(id); if (el) new uPlot(opts, d, el); }

  var hist = data.histogram;
  mount('chart-histogram', {
    width: W, height: H, scales: cat(hist.labels), legend: { show: false },
    axes: [catAxis(hist.labels), { label: 'customers' }],
    series: [{}, { label: 'customers', fill: '#2f6fdeaa', stroke: '#2f6fde', paths: bars, points: { show: false } }]
  }, [xs(hist.labels.length), hist.counts]);

  var m = data.monthly;
  mount('chart-monthly', {
    width: W, height: H, scales: cat(m.labels), legend: legend,
    axes: [catAxis(m.labels), { values: money, size: 60 }],
    series: [{ label: 'month' }, { label: 'revenue', stroke: '#29a36a', width: 2 }, { label: 'cost', stroke: '#e4572e', width: 2 },
      { label: 'margin', stroke: '#2f6fde', width: 2, dash: [6, 4] }]
  }, [xs(m.labels.length), m.revenue, m.cost, m.margin]);

  var mm = data.models;
  mount('chart-models', {
    width: W, height: H, scales: cat(mm.labels), legend: legend,
    axes: [catAxis(mm.labels), { values: money, size: 60 }],
    series: [{ label: 'month' }].concat(mm.series.map(function (s, i) { return { label: s.label, stroke: palette[i % palette.length], width: 2 }; }))
  }, [xs(mm.labels.length)].concat(mm.series.map(function (s) { return s.values; })));

  var pr = data.rates;
  var sx = cat(pr.labels); sx.y = { distr: 3 };
  mount('chart-rates', {
    width: W, height: H, scales: sx, legend: legend,
    axes: [catAxis(pr.labels), { values: function (u, vals) { return vals.map(function (v) { return v == null ? '' : '$' + (v < 1 ? v.toPrecision(1) : v.toFixed(0)); }); }, size: 60, label: '$ per 1M tokens' }],
    series: [{ label: 'month' }].concat(pr.series.map(function (s, i) { return { label: s.label, stroke: palette[i % palette.length], width: 2, spanGaps: true }; }))
  }, [xs(pr.labels.length)].concat(pr.series.map(function (s) { return s.values; })));

  var a = data.age;
  mount('chart-age', {
    width: W, height: H, scales: cat(a.labels), legend: { show: false },
    axes: [catAxis(a.labels), { values: pct, label: 'contribution margin' }],
    series: [{}, { label: 'margin %', fill: '#29a36aaa', stroke: '#29a36a', paths: bars, points: { show: false } }]
  }, [xs(a.labels.length), a.margin]);

  var c = data.curve;
  mount('chart-curve', {
    width: W, height: H, scales: { x: { time: false } }, legend: { show: false },
    axes: [{ label: 'customers, worst margin first' }, { values: pct, label: 'contribution margin' }],
    series: [{}, { label: 'margin %', stroke: '#8e44ad', width: 2, fill: '#8e44ad22', points: { show: false } }]
  }, [xs(c.length), c]);
  document.body.setAttribute('data-charts', String(document.querySelectorAll('.uplot canvas').length));
})();
`;

/** `extra`: sections appended to the report (the what-if section) and their CSS. */
export function renderHtmlReport(
  r: DemoReport,
  run: RunInfo,
  extra: { html?: string; css?: string } = {},
): string {
  const { js, css } = loadUplotAssets();
  const unpricedModels = new Set(r.unpriced.map((u) => u.model));
  const t = r.totals;
  const monthLabels = r.months.map(monthLabel);
  const chartData = {
    histogram: {
      labels: r.histogram.map((b) =>
        b.fromPct === Number.NEGATIVE_INFINITY ? `<${b.toPct}%` : `${b.fromPct}%`,
      ),
      counts: r.histogram.map((b) => b.customers),
    },
    monthly: {
      labels: monthLabels,
      revenue: r.monthly.map((m) => m.revenueUsd),
      cost: r.monthly.map((m) => m.costUsd),
      margin: r.monthly.map((m) => m.marginUsd),
    },
    models: {
      labels: monthLabels,
      series: r.models
        .filter((m) => m.costUsd > 0)
        .map((m) => ({ label: m.model, values: m.monthlyCostUsd })),
    },
    rates: {
      labels: monthLabels,
      series: r.models
        .filter((m) => m.tokens > 0 && m.costUsd > 0)
        .map((m) => ({ label: m.model, values: m.monthlyUsdPerMillion })),
    },
    age: {
      labels: r.ageMonths.map((a) => `month ${a.monthOfLife}`),
      margin: r.ageMonths.map((a) => a.marginPct ?? 0),
    },
    curve: r.customers
      .filter((c) => c.marginPct !== null)
      .map((c) => c.marginPct as number)
      .sort((a, b) => a - b),
  };

  const cards = [
    ['Revenue', usd(t.revenueUsd, 0)],
    ['Cost to serve', usd(t.costUsd, 0)],
    ['Contribution margin', `${usd(t.marginUsd, 0)} · ${percent(t.marginPct)}`],
    ['Customers under water', `${r.underWater.length} of ${t.customers}`],
    ['Top 20% share of cost', share(r.concentration.topCostShare)],
    ['Unpriced requests', int(t.unpricedRequests)],
  ]
    .map(
      ([k, v]) =>
        `<div class="card"><div class="k">${esc(k ?? '')}</div><div class="v">${esc(v ?? '')}</div></div>`,
    )
    .join('');

  const underWater =
    r.underWater.length === 0
      ? '<p>No customer is under water.</p>'
      : tableHtml(
          [
            { label: 'customer' },
            { label: 'plan' },
            { label: 'revenue', num: true },
            { label: 'cost', num: true },
            { label: 'margin', num: true },
            { label: 'margin %', num: true },
            { label: 'tokens', num: true },
            { label: 'why' },
          ],
          r.underWater.map((c) => [
            `<b>${esc(c.customerId)}</b>`,
            esc(c.plan),
            esc(usd(c.revenueUsd)),
            esc(usd(c.costUsd)),
            `<span class="neg">${esc(usd(c.marginUsd))}</span>`,
            esc(percent(c.marginPct)),
            esc(formatTokens(c.tokens)),
            `<ul>${(c.why ?? []).map((w) => `<li>${esc(w)}</li>`).join('')}</ul>`,
          ]),
          {
            id: 'under-water',
            rowAttrs: r.underWater.map((c) => `data-customer="${esc(c.customerId)}"`),
          },
        );

  const models = tableHtml(
    [
      { label: 'provider' },
      { label: 'model' },
      { label: 'cost', num: true },
      { label: 'share', num: true },
      { label: 'requests', num: true },
      { label: 'cost / call', num: true },
      { label: '$ / 1M tokens', num: true },
      { label: 'cache-read share', num: true },
    ],
    r.models.map((m) => modelCells(m, t.costUsd, unpricedModels).map(esc)),
  );
  const features = tableHtml(
    [
      { label: 'feature' },
      { label: 'cost', num: true },
      { label: 'share of cost', num: true },
      { label: 'share of requests', num: true },
      { label: 'requests', num: true },
      { label: 'cost per use', num: true },
    ],
    r.features.map((f) => featureCells(f).map(esc)),
  );
  const cohortHead = `<tr><th>cohort</th><th class="num">customers</th>${monthLabels.map((m) => `<th class="num">${esc(m)}</th>`).join('')}</tr>`;
  const cohortRows = r.cohorts
    .map(
      (c) =>
        `<tr><td>${esc(monthLabel(c.cohort))}</td><td class="num">${int(c.customers)}</td>${c.marginPct
          .map(
            (v) =>
              `<td class="num" style="${heat(v)}">${v === null ? '' : esc(percent(v, 0))}</td>`,
          )
          .join('')}</tr>`,
    )
    .join('\n');
  const unpriced =
    r.unpriced.length === 0
      ? '<p>None: every call was priced.</p>'
      : `${tableHtml(
          [
            { label: 'provider' },
            { label: 'model' },
            { label: 'reason' },
            { label: 'requests', num: true },
          ],
          r.unpriced.map((u) => [u.provider, u.model, u.reason, int(u.requests)].map(esc)),
        )}<p class="note">Counted, never priced at $0 in silence: add the model to a price file.</p>`;
  const allCustomers = tableHtml(
    [
      { label: 'customer' },
      { label: 'plan' },
      { label: 'cohort' },
      { label: 'revenue', num: true },
      { label: 'cost', num: true },
      { label: 'margin', num: true },
      { label: 'margin %', num: true },
      { label: 'top cost' },
    ],
    r.customers.map((c) =>
      [
        c.customerId,
        c.plan,
        c.cohort,
        usd(c.revenueUsd),
        usd(c.costUsd),
        usd(c.marginUsd),
        percent(c.marginPct),
        c.topModel
          ? `${c.topModel.model} (${c.topModel.feature}) ${share(c.topModel.share, 0)}`
          : '-',
      ].map(esc),
    ),
    { rowClass: r.customers.map((c) => (c.marginUsd < 0 ? 'under' : '')) },
  );

  const priceNote =
    r.priceChanges.length === 0
      ? 'No price change inside the period.'
      : `Price change inside the period: ${r.priceChanges
          .map(
            (p) =>
              `${p.model} ${p.ratio < 1 ? '-' : '+'}${Math.round(Math.abs(1 - p.ratio) * 100)}% per token`,
          )
          .join(', ')}. Each call is priced at the price in force when it started (log scale).`;
  const title = `AI margin report: ${t.customers} customers, ${monthLabels[0] ?? ''} to ${monthLabels[monthLabels.length - 1] ?? ''}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${css}</style>
<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2433;background:#f6f7f9}
header{background:#1d2433;color:#fff;padding:20px 32px}header h1{margin:0 0 4px;font-size:22px}header p{margin:0;opacity:.8}
main{padding:20px 32px;max-width:1240px}
section{background:#fff;border:1px solid #e3e6eb;border-radius:8px;padding:16px 20px;margin:0 0 18px}
h2{font-size:17px;margin:0 0 10px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(180px,1fr));gap:12px;margin-bottom:18px}
.card{background:#fff;border:1px solid #e3e6eb;border-radius:8px;padding:12px 14px}.card .k{color:#5b6475;font-size:12px;text-transform:uppercase;letter-spacing:.04em}.card .v{font-size:20px;font-weight:600;margin-top:4px}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(580px,1fr));gap:18px}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}th,td{padding:5px 8px;border-bottom:1px solid #eef0f3;text-align:left;vertical-align:top}th{font-size:12px;color:#5b6475;font-weight:600}
td.num,th.num{text-align:right;white-space:nowrap}#under-water td:first-child{white-space:nowrap}.neg{color:#c62828;font-weight:600}tr.under td{background:#fff1f1}
td ul{margin:0;padding-left:18px}.note{color:#5b6475;font-size:12px}
details summary{cursor:pointer;font-weight:600}
${extra.css ?? ''}
</style>
</head>
<body>
<header><h1>${esc(title)}</h1>
<p>${esc(`${int(run.calls)} LLM calls through the real ${run.providers.join(', ')} SDK clients, priced by ai-margin at the price in force at each call; seed ${run.seed}. Each simulated call stands for one working session (many requests folded into one provider call), so per-call figures are per session.`)}</p></header>
<main>
<div class="cards">${cards}</div>
<section id="under-water-section"><h2>Customers under water (${r.underWater.length})</h2>${underWater}</section>
<div class="grid">
<section><h2>Margin distribution</h2><div id="chart-histogram"></div><p class="note">Customers by contribution margin % (bins of 10 points, labelled by their lower edge): light users cluster high, heavy users low or negative.</p></section>
<section><h2>Customer margin curve</h2><div id="chart-curve"></div><p class="note">Top 20% of customers (${r.concentration.topCustomers}) carry ${esc(share(r.concentration.topCostShare))} of cost.</p></section>
<section><h2>Revenue, cost and margin by month</h2><div id="chart-monthly"></div></section>
<section><h2>Cost per model by month</h2><div id="chart-models"></div></section>
<section><h2>Effective price per model by month</h2><div id="chart-rates"></div><p class="note">${esc(priceNote)}</p></section>
<section><h2>Margin by month of customer life</h2><div id="chart-age"></div></section>
<section><h2>Margin % by signup cohort</h2><table id="cohorts"><thead>${cohortHead}</thead><tbody>${cohortRows}</tbody></table></section>
</div>
<section><h2>Cost per model</h2>${models}</section>
<section><h2>Cost per feature</h2>${features}</section>
<section><h2>Unpriced usage</h2>${unpriced}</section>
<section><details><summary>All customers (${r.customers.length}), worst margin first</summary>${allCustomers}</details></section>
${extra.html ?? ''}
</main>
<script id="report-data" type="application/json">${scriptJson(chartData)}</script>
<script>${js.replace(/<\/script/gi, '<\\/script')}</script>
<script>${CHART_SCRIPT}</script>
</body>
</html>
`;
}
