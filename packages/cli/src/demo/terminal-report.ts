/** The margin report as aligned plain-text tables for the terminal. */
import { bar, int, percent, reportTable, share, usd, usdSmall } from './format';
import { featureCells, isUnpricedModel, modelCells } from './report-cells';
import { type DemoReport, formatTokens } from './report-model';

export interface RunInfo {
  seed: number;
  calls: number;
  wallMs: number;
  providers: string[];
  /** Where the HTML report was written, if any. */
  htmlPath?: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `2025-06` -> `Jun 2025`. */
export function monthLabel(key: string): string {
  const [y, m] = key.split('-');
  return `${MONTHS[Number(m) - 1] ?? m} ${y}`;
}

function heading(title: string, color: boolean): string {
  return color ? `\n\u001b[1m${title}\u001b[0m\n` : `\n${title}\n`;
}

export function renderTerminalReport(
  r: DemoReport,
  run: RunInfo,
  opts: { color?: boolean } = {},
): string {
  const color = opts.color === true;
  const red = (s: string) => (color ? `\u001b[31m${s}\u001b[0m` : s);
  const unpricedModels = new Set(r.unpriced.map((u) => u.model));
  const out: string[] = [];
  const first = r.months[0] ?? '';
  const last = r.months[r.months.length - 1] ?? '';
  const t = r.totals;
  out.push(
    `ai-margin demo: ${t.customers} customers, ${monthLabel(first)} to ${monthLabel(last)} (${r.months.length} months)`,
    `${int(run.calls)} LLM calls through the real ${run.providers.join(', ')} SDK clients, priced at the price in force at each call, in ${(run.wallMs / 1000).toFixed(1)} s (seed ${run.seed})`,
    'Each simulated call stands for one working session of a customer (many requests folded into one',
    'provider call), so months of usage run in seconds: per-call figures are per session.',
  );

  out.push(heading('Summary', color));
  out.push(
    reportTable(
      [{ header: '' }, { header: 'value', align: 'right' }],
      [
        ['Revenue', usd(t.revenueUsd)],
        ['  subscriptions (MRR)', usd(t.subscriptionRevenueUsd)],
        ['  usage', usd(t.usageRevenueUsd)],
        ['Cost to serve (LLM)', usd(t.costUsd)],
        ['Contribution margin', usd(t.marginUsd)],
        ['Contribution margin %', percent(t.marginPct)],
        ['Customers under water', `${r.underWater.length} of ${t.customers}`],
        [
          `Top 20% of customers (${r.concentration.topCustomers}) share of cost`,
          share(r.concentration.topCostShare),
        ],
        ['Unpriced requests', int(t.unpricedRequests)],
      ],
    ),
  );

  out.push(heading(`Customers under water (${r.underWater.length})`, color));
  if (r.underWater.length === 0) out.push('  none');
  else {
    const shown = r.underWater.slice(0, 15);
    out.push(
      reportTable(
        [
          { header: 'customer' },
          { header: 'plan' },
          { header: 'revenue', align: 'right' },
          { header: 'cost', align: 'right' },
          { header: 'margin', align: 'right' },
          { header: 'margin %', align: 'right' },
          { header: 'tokens', align: 'right' },
          { header: 'top cost (feature)' },
        ],
        shown.map((c) => [
          c.customerId,
          c.plan,
          usd(c.revenueUsd),
          usd(c.costUsd),
          red(usd(c.marginUsd)),
          percent(c.marginPct),
          formatTokens(c.tokens),
          c.topModel ? `${c.topModel.model} (${c.topModel.feature})` : '-',
        ]),
      ),
    );
    out.push('', '  Why:');
    for (const c of shown) out.push(`  - ${c.customerId}: ${(c.why ?? []).join('; ')}`);
    if (r.underWater.length > shown.length) {
      out.push(`  … and ${r.underWater.length - shown.length} more (see --json or --html)`);
    }
  }

  out.push(heading('Margin distribution (customers by contribution margin %)', color));
  const maxBin = Math.max(...r.histogram.map((b) => b.customers), 1);
  const labelWidth = Math.max(...r.histogram.map((b) => b.label.length));
  for (const b of r.histogram) {
    const line = `  ${b.label.padStart(labelWidth)} │${bar(b.customers, maxBin, 40)} ${b.customers}`;
    out.push(b.toPct <= 0 && b.customers > 0 ? red(line) : line);
  }

  out.push(heading('Cost per model', color));
  out.push(
    reportTable(
      [
        { header: 'provider' },
        { header: 'model' },
        { header: 'cost', align: 'right' },
        { header: 'share', align: 'right' },
        { header: 'requests', align: 'right' },
        { header: 'cost/call', align: 'right' },
        { header: '$/1M tokens', align: 'right' },
        { header: 'cache-read share', align: 'right' },
      ],
      r.models.map((m) => modelCells(m, t.costUsd, unpricedModels)),
    ),
  );

  out.push(heading('Cost per feature', color));
  out.push(
    reportTable(
      [
        { header: 'feature' },
        { header: 'cost', align: 'right' },
        { header: 'share of cost', align: 'right' },
        { header: 'share of requests', align: 'right' },
        { header: 'requests', align: 'right' },
        { header: 'cost per use', align: 'right' },
      ],
      r.features.map(featureCells),
    ),
  );

  out.push(heading('By month', color));
  out.push(
    reportTable(
      [
        { header: 'month' },
        { header: 'customers', align: 'right' },
        { header: 'revenue', align: 'right' },
        { header: 'cost', align: 'right' },
        { header: 'margin', align: 'right' },
        { header: 'margin %', align: 'right' },
      ],
      r.monthly.map((m) => [
        monthLabel(m.month),
        int(m.activeCustomers),
        usd(m.revenueUsd),
        usd(m.costUsd),
        usd(m.marginUsd),
        percent(m.marginPct),
      ]),
    ),
  );
  out.push('', '  Cost per model and month:');
  out.push(
    reportTable(
      [
        { header: 'model' },
        ...r.months.map((m) => ({ header: monthLabel(m), align: 'right' as const })),
      ],
      r.models
        .filter((m) => !isUnpricedModel(m, unpricedModels))
        .map((m) => [m.model, ...m.monthlyCostUsd.map((v) => usd(v, 0))]),
    ),
  );

  out.push(heading('Price changes inside the period (effective $ per 1M tokens by month)', color));
  if (r.priceChanges.length === 0) out.push('  none');
  else {
    out.push(
      reportTable(
        [
          { header: 'model' },
          ...r.months.map((m) => ({ header: monthLabel(m), align: 'right' as const })),
          { header: 'change', align: 'right' },
        ],
        r.priceChanges.map((p) => [
          p.model,
          ...p.monthlyUsdPerMillion.map((v) => (v === null ? '' : usdSmall(v))),
          `${p.ratio < 1 ? '-' : '+'}${Math.round(Math.abs(1 - p.ratio) * 100)}%`,
        ]),
      ),
    );
    out.push(
      '  Each call is priced at the price in force when it started: the month that straddles the',
      '  change blends the old and the new price.',
    );
  }

  out.push(heading('Margin by month of customer life (cohort ageing)', color));
  out.push(
    reportTable(
      [
        { header: 'month of life' },
        { header: 'customer-months', align: 'right' },
        { header: 'revenue', align: 'right' },
        { header: 'cost', align: 'right' },
        { header: 'margin %', align: 'right' },
      ],
      r.ageMonths.map((a) => [
        `month ${a.monthOfLife}`,
        int(a.customerMonths),
        usd(a.revenueUsd),
        usd(a.costUsd),
        percent(a.marginPct),
      ]),
    ),
  );
  out.push('', '  Margin % by signup cohort and month:');
  out.push(
    reportTable(
      [
        { header: 'cohort' },
        { header: 'customers', align: 'right' },
        ...r.months.map((m) => ({ header: monthLabel(m), align: 'right' as const })),
      ],
      r.cohorts.map((c) => [
        monthLabel(c.cohort),
        int(c.customers),
        ...c.marginPct.map((v) => (v === null ? '' : percent(v, 0))),
      ]),
    ),
  );

  out.push(heading('Unpriced usage', color));
  if (r.unpriced.length === 0) out.push('  none: every call was priced');
  else {
    out.push(
      reportTable(
        [
          { header: 'provider' },
          { header: 'model' },
          { header: 'reason' },
          { header: 'requests', align: 'right' },
        ],
        r.unpriced.map((u) => [u.provider, u.model, u.reason, int(u.requests)]),
      ),
    );
    out.push(
      '  These calls are counted, never priced at $0 in silence: add the model to a price file.',
    );
  }
  if (run.htmlPath) out.push('', `HTML report: ${run.htmlPath}`);
  return `${out.join('\n')}\n`;
}
