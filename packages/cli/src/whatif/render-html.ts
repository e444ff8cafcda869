/** The what-if section of an HTML report (self-contained, no script). */
import { usd } from '../demo/format';
import type { ReplayResult } from './replay';
import type { SuggestResult } from './suggest';

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function signed(n: number): string {
  if (Math.abs(n) < 0.005) return usd(0);
  return n > 0 ? `+${usd(n)}` : usd(n);
}

function cls(n: number): string {
  return n > 0.005 ? 'pos' : n < -0.005 ? 'neg' : '';
}

/** The section: scenario result and top suggestions. Embeddable in the demo report. */
export function whatifSection(out: {
  result: ReplayResult | null;
  suggestions: SuggestResult | null;
}): string {
  const parts: string[] = ['<section id="whatif"><h2>What if</h2>'];
  const r = out.result;
  if (r) {
    const { before, after } = r.totals;
    parts.push(
      `<p>Scenario <b>${esc(r.scenario)}</b> replayed on ${esc(r.source)}, ${esc(r.from)} to ${esc(r.to)}.</p>`,
      `<ul>${r.levers.map((l) => `<li>${esc(l)}</li>`).join('') || '<li>no levers: the observed history</li>'}</ul>`,
      '<table class="whatif"><thead><tr><th></th><th>before</th><th>after</th><th>change</th></tr></thead><tbody>',
      ...(
        [
          ['Revenue', before.revenueUsd, after.revenueUsd],
          ['Cost (LLM)', before.costUsd, after.costUsd],
          ['Margin', before.marginUsd, after.marginUsd],
        ] as const
      ).map(
        ([k, b, a]) =>
          `<tr><td>${k}</td><td>${usd(b)}</td><td>${usd(a)}</td><td class="${cls(k === 'Cost (LLM)' ? b - a : a - b)}">${signed(a - b)}</td></tr>`,
      ),
      `<tr><td>Customers under water</td><td>${r.underWater.before}</td><td>${r.underWater.after}</td><td></td></tr>`,
      '</tbody></table>',
      `<p>${r.customersAffected} customers affected; revenue at risk ${usd(r.revenueAtRiskUsd)}.` +
        (r.signChanges.nowPositive.length
          ? ` Now positive: ${esc(r.signChanges.nowPositive.slice(0, 30).join(', '))}.`
          : '') +
        (r.signChanges.nowNegative.length
          ? ` Now negative: ${esc(r.signChanges.nowNegative.slice(0, 30).join(', '))}.`
          : '') +
        '</p>',
    );
    const changed = r.customers
      .filter((c) => Math.abs(c.after.marginUsd - c.before.marginUsd) > 0.005)
      .slice(0, 25);
    if (changed.length) {
      parts.push(
        '<table class="whatif"><thead><tr><th>customer</th><th class="l">plan</th><th>margin before</th><th>after</th><th>change</th></tr></thead><tbody>',
        ...changed.map(
          (c) =>
            `<tr><td>${esc(c.customer)}</td><td class="l">${esc(c.plan)}</td><td>${usd(c.before.marginUsd)}</td><td>${usd(c.after.marginUsd)}</td><td class="${cls(c.after.marginUsd - c.before.marginUsd)}">${signed(c.after.marginUsd - c.before.marginUsd)}</td></tr>`,
        ),
        '</tbody></table>',
      );
    }
    parts.push(
      '<table class="whatif"><thead><tr><th>plan</th><th>customers</th><th>revenue before</th><th>after</th><th>margin before</th><th>after</th><th>under water</th></tr></thead><tbody>',
      ...r.plans.map(
        (p) =>
          `<tr><td>${esc(p.plan)}</td><td>${p.customers}</td><td>${usd(p.before.revenueUsd)}</td><td>${usd(p.after.revenueUsd)}</td><td>${usd(p.before.marginUsd)}</td><td>${usd(p.after.marginUsd)}</td><td>${p.underWaterBefore} &rarr; ${p.underWaterAfter}</td></tr>`,
      ),
      '</tbody></table>',
    );
    for (const [title, rows] of [
      ['feature', r.features],
      ['model', r.models],
    ] as const) {
      parts.push(
        `<table class="whatif"><thead><tr><th>${title}</th><th>cost before</th><th>after</th><th>change</th></tr></thead><tbody>`,
        ...rows
          .slice(0, 12)
          .map(
            (x) =>
              `<tr><td>${esc(x.key)}</td><td>${usd(x.costBeforeUsd)}</td><td>${usd(x.costAfterUsd)}</td><td class="${cls(x.costBeforeUsd - x.costAfterUsd)}">${signed(x.costAfterUsd - x.costBeforeUsd)}</td></tr>`,
          ),
        '</tbody></table>',
      );
    }
    if (r.warnings.length)
      parts.push(`<ul class="notes">${r.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul>`);
  }
  const s = out.suggestions;
  if (s) {
    parts.push('<h3>Suggested moves</h3>');
    if (s.suggestions.length === 0) parts.push('<p>No lever the data supports gains margin.</p>');
    else {
      parts.push(
        '<table class="whatif"><thead><tr><th>#</th><th class="l">move</th><th>margin gained</th><th>customers</th><th>revenue at risk</th><th>fixes</th></tr></thead><tbody>',
        ...s.suggestions.map(
          (x, i) =>
            `<tr><td>${i + 1}</td><td class="l">${esc(x.move)}</td><td class="pos">${signed(x.marginGainUsd)}</td><td>${x.customersAffected}</td><td>${usd(x.revenueAtRiskUsd)}</td><td>${x.fixes}</td></tr>`,
        ),
        '</tbody></table>',
        `<ol>${s.suggestions.map((x) => `<li>${esc(x.why)}<br><code>${esc(x.yaml)}</code></li>`).join('')}</ol>`,
      );
      if (s.combined)
        parts.push(
          `<p>All ${s.combined.levers.length} together: margin ${signed(s.combined.marginGainUsd)}, customers under water ${s.combined.underWaterBefore} &rarr; ${s.combined.underWaterAfter}.</p>`,
        );
    }
  }
  parts.push(
    '<p class="note">Grafana panels show the observed history; a scenario runs only here (<code>ai-margin whatif</code>). See docs/whatif.md.</p></section>',
  );
  return parts.join('\n');
}

export const WHATIF_CSS =
  'table.whatif{border-collapse:collapse;margin:.5em 0 1em}table.whatif td,table.whatif th{padding:2px 10px;text-align:right;border-bottom:1px solid #ddd}table.whatif td:first-child,table.whatif th:first-child{text-align:left}.pos{color:#1a7f37}table.whatif td.l,table.whatif th.l{text-align:left}.neg{color:#c62828}';

/** A standalone HTML page for `ai-margin whatif --html`. */
export function renderWhatifHtml(
  out: { result: ReplayResult | null; suggestions: SuggestResult | null },
  source: string,
): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>ai-margin what if: ${esc(source)}</title><style>body{font:14px system-ui,sans-serif;margin:2em;max-width:1100px}${WHATIF_CSS}</style></head><body><h1>ai-margin: what if</h1>${whatifSection(out)}</body></html>\n`;
}
