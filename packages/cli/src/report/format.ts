/** Renders a MarginReport as aligned plain-text tables. */
import { textTable } from '../text-table';
import type { MarginReport, TrendRow } from './build';

/** Aligned table with a `-` rule under the header. */
function table(header: string[], rows: string[][], align: ('left' | 'right')[]): string {
  return textTable(
    header.map((h, i) => ({ header: h, align: align[i] ?? 'left' })),
    rows,
    { rule: '-' },
  );
}

/** Dollars with 2 decimals (6 below one cent), or `minDigits` when more precision is wanted. */
export const usd = (x: number, minDigits = 2): string => {
  const abs = Math.abs(x);
  const digits = abs !== 0 && abs < 0.01 ? 6 : minDigits;
  return `${x < 0 ? '-' : ''}$${abs.toFixed(digits)}`;
};

export const pct = (x: number | null): string => (x === null ? '-' : `${(x * 100).toFixed(1)}%`);

function trendTable(title: string, groupHeader: string, rows: TrendRow[]): string {
  if (rows.length === 0)
    return `${title}\n(no customer metadata: ai_margin_customer_info is empty)`;
  const change = (r: TrendRow) =>
    r.marginRatio === null || r.previousMarginRatio === null
      ? '-'
      : `${r.marginRatio >= r.previousMarginRatio ? '+' : ''}${((r.marginRatio - r.previousMarginRatio) * 100).toFixed(1)} pts`;
  return `${title}\n${table(
    [groupHeader, 'margin', 'margin %', 'previous window', 'change'],
    rows.map((r) => [
      r.group,
      usd(r.margin),
      pct(r.marginRatio),
      pct(r.previousMarginRatio),
      change(r),
    ]),
    ['left', 'right', 'right', 'right', 'right'],
  )}`;
}

export function formatReport(r: MarginReport): string {
  const sections: string[] = [];
  const t = r.totals;
  sections.push(
    `ai-margin report: window ${r.window} ending ${r.at}\n` +
      `revenue ${usd(t.revenue)}  variable cost ${usd(t.cost)}  cost to serve ${usd(t.costToServe)}  ` +
      `margin ${usd(t.margin)} (${pct(t.marginRatio)})\n` +
      `figures from ${r.source.detail}`,
  );
  sections.push(
    `Customers (worst margin first)\n${table(
      ['customer', 'revenue', 'cost', 'cost to serve', 'margin', 'margin %'],
      r.customers.map((c) => [
        c.customer,
        usd(c.revenue),
        usd(c.cost),
        usd(c.costToServe),
        usd(c.margin),
        pct(c.marginRatio),
      ]),
      ['left', 'right', 'right', 'right', 'right', 'right'],
    )}`,
  );
  sections.push(
    `Cost per model\n${table(
      ['provider', 'model', 'cost', '$ / 1M tokens'],
      r.models.map((m) => [
        m.provider,
        m.model,
        usd(m.cost),
        m.usdPerMillionTokens === null ? '-' : usd(m.usdPerMillionTokens),
      ]),
      ['left', 'left', 'right', 'right'],
    )}`,
  );
  sections.push(
    `Cost per feature\n${table(
      ['feature', 'cost', 'uses', 'cost per use'],
      r.features.map((f) => [
        f.feature,
        usd(f.cost),
        String(Math.round(f.uses)),
        f.costPerUse === null ? '-' : usd(f.costPerUse, 4),
      ]),
      ['left', 'right', 'right', 'right'],
    )}`,
  );
  sections.push(trendTable('Margin by cohort (signup month)', 'cohort', r.cohorts));
  sections.push(trendTable('Margin by customer age month', 'age month', r.ageMonths));
  const under = r.patterns.underwater;
  sections.push(
    `Patterns\n` +
      `top 20% of customers carry ${pct(r.patterns.top20CostShare)} of cost\n` +
      (under.length === 0
        ? 'no customer is under water'
        : `${under.length} customer${under.length === 1 ? '' : 's'} under water: ${under.map((u) => `${u.customer} (${usd(u.margin)})`).join(', ')}`),
  );
  return `${sections.join('\n\n')}\n`;
}
