/** The human-readable drift report of `ai-margin reconcile`: aligned columns, one row per day/provider/model. */
import type { ReconcileResult } from '@ai-margin/reconcile';
import { columnsOf, textTable } from '../text-table';

const money = (v: number | null) => (v === null ? '-' : v.toFixed(4));
const signed = (v: number | null, digits: number, suffix = '') =>
  v === null ? '-' : `${v > 0 ? '+' : ''}${v.toFixed(digits)}${suffix}`;

/** Renders rows as columns; numeric columns (by index) are right-aligned. */
export function alignColumns(header: string[], rows: string[][], numeric: Set<number>): string {
  return textTable(columnsOf(header, numeric), rows);
}

export function renderDriftTable(
  result: ReconcileResult,
  exceeded: Set<number>,
  maxDrift: number | undefined,
): string {
  const out: string[] = [];
  out.push(
    `reconciliation ${result.from} .. ${result.to} (UTC days), providers: ${result.providers.join(', ') || '-'}`,
  );
  out.push('');
  if (result.rows.length === 0) {
    out.push('no provisional cost and no report lines in range');
  } else {
    const rows = result.rows.map((r, i) => [
      r.day,
      r.provider,
      r.model,
      r.status,
      money(r.provisionalUsd),
      money(r.reportedUsd),
      signed(r.driftUsd, 4),
      r.driftPercent === null
        ? r.status === 'report_only'
          ? 'new'
          : '-'
        : signed(r.driftPercent, 2, '%'),
      r.ratio === null ? '-' : r.ratio.toFixed(4),
      exceeded.has(i) ? '!' : '',
    ]);
    out.push(
      alignColumns(
        [
          'DAY',
          'PROVIDER',
          'MODEL',
          'STATUS',
          'PROVISIONAL $',
          'REPORTED $',
          'DRIFT $',
          'DRIFT %',
          'RATIO',
          '',
        ],
        rows,
        new Set([4, 5, 6, 7, 8]),
      ),
    );
  }
  if (result.corrections.length > 0) {
    out.push('', 'corrections per customer (pro rata to provisional cost):');
    out.push(
      alignColumns(
        ['DAY', 'PROVIDER', 'CUSTOMER', 'CORRECTION $'],
        result.corrections.map((c) => [c.day, c.provider, c.customerId, signed(c.usd, 6)]),
        new Set([3]),
      ),
    );
  }
  for (const u of result.unallocated) {
    out.push('', `unallocated ${u.day} ${u.provider}: ${signed(u.usd, 6)} USD (${u.reason})`);
  }
  if (result.warnings.length > 0) {
    out.push('', 'warnings:', ...result.warnings.map((w) => `  - ${w}`));
  }
  if (maxDrift !== undefined) {
    out.push(
      '',
      exceeded.size === 0
        ? `drift within ${maxDrift}% on every provider/model/day`
        : `drift above ${maxDrift}% on ${exceeded.size} provider/model/day row(s) (marked !)`,
    );
  }
  return `${out.join('\n')}\n`;
}
