/** The what-if result (and suggestions) as compact plain-text tables. */
import { int, percent, reportTable, usd } from '../demo/format';
import type { CostRow, Figures, ReplayResult } from './replay';
import type { SuggestResult } from './suggest';

function signed(n: number): string {
  if (Math.abs(n) < 0.005) return usd(0);
  return n > 0 ? `+${usd(n)}` : usd(n);
}

function pct(f: Figures): string {
  return percent(f.revenueUsd > 0 ? (f.marginUsd / f.revenueUsd) * 100 : null);
}

function costRows(rows: readonly CostRow[], limit: number): string[][] {
  return rows
    .filter((r) => Math.abs(r.costAfterUsd - r.costBeforeUsd) > 0.005 || r.costBeforeUsd > 0)
    .slice(0, limit)
    .map((r) => [
      r.key,
      usd(r.costBeforeUsd),
      usd(r.costAfterUsd),
      signed(r.costAfterUsd - r.costBeforeUsd),
      `${int(r.requestsBefore)} -> ${int(r.requestsAfter)}`,
    ]);
}

export interface RenderOptions {
  /** Customers listed (largest margin change first). */
  customers?: number;
}

export function renderReplay(r: ReplayResult, opts: RenderOptions = {}): string {
  const out: string[] = [];
  const { before, after } = r.totals;
  out.push(`What if: ${r.scenario} (${r.source}, ${r.from} to ${r.to})`);
  if (r.levers.length === 0) out.push('  no levers: the observed history');
  for (const l of r.levers) out.push(`  - ${l}`);
  out.push('');
  out.push(
    reportTable(
      [
        { header: '' },
        { header: 'before', align: 'right' },
        { header: 'after', align: 'right' },
        { header: 'change', align: 'right' },
      ],
      [
        [
          'Revenue',
          usd(before.revenueUsd),
          usd(after.revenueUsd),
          signed(after.revenueUsd - before.revenueUsd),
        ],
        [
          'Cost (LLM)',
          usd(before.costUsd),
          usd(after.costUsd),
          signed(after.costUsd - before.costUsd),
        ],
        [
          'Margin',
          usd(before.marginUsd),
          usd(after.marginUsd),
          signed(after.marginUsd - before.marginUsd),
        ],
        ['Margin %', pct(before), pct(after), ''],
        ['Customers under water', String(r.underWater.before), String(r.underWater.after), ''],
      ],
    ),
  );
  out.push(
    `  ${r.customersAffected} customers affected; revenue at risk ${usd(r.revenueAtRiskUsd)} (revenue lost by customers whose revenue goes down)`,
  );
  const { nowPositive, nowNegative } = r.signChanges;
  if (nowPositive.length + nowNegative.length > 0) {
    out.push('');
    out.push('Customers whose margin changes sign');
    if (nowPositive.length)
      out.push(
        `  now positive (${nowPositive.length}): ${nowPositive.slice(0, 20).join(', ')}${nowPositive.length > 20 ? ', …' : ''}`,
      );
    if (nowNegative.length)
      out.push(
        `  now negative (${nowNegative.length}): ${nowNegative.slice(0, 20).join(', ')}${nowNegative.length > 20 ? ', …' : ''}`,
      );
  }
  const changed = r.customers.filter(
    (c) => Math.abs(c.after.marginUsd - c.before.marginUsd) > 0.005,
  );
  const limit = opts.customers ?? 15;
  if (changed.length > 0) {
    const shown = [...changed]
      .sort(
        (a, b) =>
          Math.abs(b.after.marginUsd - b.before.marginUsd) -
            Math.abs(a.after.marginUsd - a.before.marginUsd) ||
          a.customer.localeCompare(b.customer),
      )
      .slice(0, limit);
    out.push('');
    out.push(`Per customer (${shown.length} of ${changed.length} changed, largest change first)`);
    out.push(
      reportTable(
        [
          { header: 'customer' },
          { header: 'plan' },
          { header: 'revenue', align: 'right' },
          { header: 'cost', align: 'right' },
          { header: 'margin before', align: 'right' },
          { header: 'after', align: 'right' },
          { header: 'change', align: 'right' },
        ],
        shown.map((c) => [
          c.customer,
          c.plan,
          `${usd(c.before.revenueUsd)} -> ${usd(c.after.revenueUsd)}`,
          `${usd(c.before.costUsd)} -> ${usd(c.after.costUsd)}`,
          usd(c.before.marginUsd),
          usd(c.after.marginUsd),
          signed(c.after.marginUsd - c.before.marginUsd),
        ]),
      ),
    );
  }
  out.push('');
  out.push('Per plan');
  out.push(
    reportTable(
      [
        { header: 'plan' },
        { header: 'customers', align: 'right' },
        { header: 'revenue', align: 'right' },
        { header: 'cost', align: 'right' },
        { header: 'margin before', align: 'right' },
        { header: 'after', align: 'right' },
        { header: 'margin %', align: 'right' },
        { header: 'under water', align: 'right' },
      ],
      r.plans.map((p) => [
        p.plan,
        int(p.customers),
        `${usd(p.before.revenueUsd)} -> ${usd(p.after.revenueUsd)}`,
        `${usd(p.before.costUsd)} -> ${usd(p.after.costUsd)}`,
        usd(p.before.marginUsd),
        usd(p.after.marginUsd),
        `${pct(p.before)} -> ${pct(p.after)}`,
        `${p.underWaterBefore} -> ${p.underWaterAfter}`,
      ]),
    ),
  );
  const cols = [
    { header: '' },
    { header: 'cost before', align: 'right' as const },
    { header: 'after', align: 'right' as const },
    { header: 'change', align: 'right' as const },
    { header: 'requests', align: 'right' as const },
  ];
  out.push('');
  out.push('Per feature');
  out.push(reportTable([{ header: 'feature' }, ...cols.slice(1)], costRows(r.features, 12)));
  out.push('');
  out.push('Per model');
  out.push(reportTable([{ header: 'provider/model' }, ...cols.slice(1)], costRows(r.models, 12)));
  if (r.warnings.length > 0) {
    out.push('');
    out.push('Notes');
    for (const w of r.warnings.slice(0, 20)) out.push(`  ! ${w}`);
  }
  return `${out.join('\n')}\n`;
}

export function renderSuggestions(s: SuggestResult, underWaterBefore: number | null): string {
  const list = s.suggestions;
  const out: string[] = [];
  const under = underWaterBefore ?? s.combined?.underWaterBefore;
  out.push(
    `Suggested moves, by margin gained${under !== undefined ? ` (${under} customers under water today)` : ''}`,
  );
  if (list.length === 0) {
    out.push('  none found: no lever the data supports gains margin');
    return `${out.join('\n')}\n`;
  }
  out.push(
    reportTable(
      [
        { header: '#', align: 'right' },
        { header: 'move' },
        { header: 'margin gained', align: 'right' },
        { header: 'customers', align: 'right' },
        { header: 'revenue at risk', align: 'right' },
        { header: 'fixes', align: 'right' },
        { header: 'breaks', align: 'right' },
      ],
      list.map((s, i) => [
        String(i + 1),
        s.move,
        signed(s.marginGainUsd),
        int(s.customersAffected),
        usd(s.revenueAtRiskUsd),
        int(s.fixes),
        int(s.breaks),
      ]),
    ),
  );
  out.push('');
  list.forEach((x, i) => {
    out.push(`  ${i + 1}. ${x.why}`);
    out.push(`     scenario line: ${x.yaml}`);
  });
  if (s.combined) {
    out.push('');
    out.push(
      `  All ${s.combined.levers.length} together: margin ${signed(s.combined.marginGainUsd)}, customers under water ${s.combined.underWaterBefore} -> ${s.combined.underWaterAfter}.`,
    );
  }
  return `${out.join('\n')}\n`;
}
