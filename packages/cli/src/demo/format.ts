/** Number formatting and plain-text tables for the terminal report. */
import { type Column, textTable } from '../text-table';

export function usd(n: number, decimals = 2): string {
  const sign = n < 0 ? '-' : '';
  return `${sign}$${Math.abs(n).toLocaleString('en-US', {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  })}`;
}

/** Small amounts keep significant digits: `$0.0042`. */
export function usdSmall(n: number): string {
  if (Math.abs(n) >= 0.995) return usd(n);
  if (n === 0) return '$0';
  return `$${n.toPrecision(2)}`;
}

export function percent(n: number | null, decimals = 1): string {
  return n === null || !Number.isFinite(n) ? 'n/a' : `${n.toFixed(decimals)}%`;
}

export function share(n: number, decimals = 1): string {
  return `${(n * 100).toFixed(decimals)}%`;
}

export function int(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** The demo and what-if reports' tables: indented two spaces, a box-drawing rule under the header. */
export function reportTable(
  columns: readonly Column[],
  rows: readonly (readonly string[])[],
): string {
  return textTable(columns, rows, { indent: '  ', rule: '─' });
}

/** A horizontal bar of `value / max` of `width` cells, with eighth-block precision. */
export function bar(value: number, max: number, width: number): string {
  if (max <= 0 || value <= 0) return '';
  const eighths = Math.round((value / max) * width * 8);
  const full = Math.floor(eighths / 8);
  const rest = eighths % 8;
  return '█'.repeat(full) + (rest > 0 ? (' ▏▎▍▌▋▊▉'[rest] ?? '') : '');
}
