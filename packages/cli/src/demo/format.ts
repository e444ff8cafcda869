/** Number formatting and plain-text tables for the terminal report. */

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

export interface Column {
  header: string;
  align?: 'left' | 'right';
}

/** Renders rows under headers, columns padded to their widest cell. */
export function table(
  columns: readonly Column[],
  rows: readonly (readonly string[])[],
  indent = '  ',
): string {
  const widths = columns.map((c, i) =>
    Math.max(c.header.length, ...rows.map((r) => (r[i] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    indent +
    columns
      .map((c, i) => {
        const cell = cells[i] ?? '';
        const w = widths[i] ?? 0;
        return c.align === 'right' ? cell.padStart(w) : cell.padEnd(w);
      })
      .join('  ')
      .trimEnd();
  const rule = indent + widths.map((w) => '─'.repeat(w)).join('  ');
  return [line(columns.map((c) => c.header)), rule, ...rows.map(line)].join('\n');
}

/** A horizontal bar of `value / max` of `width` cells, with eighth-block precision. */
export function bar(value: number, max: number, width: number): string {
  if (max <= 0 || value <= 0) return '';
  const eighths = Math.round((value / max) * width * 8);
  const full = Math.floor(eighths / 8);
  const rest = eighths % 8;
  return '█'.repeat(full) + (rest > 0 ? (' ▏▎▍▌▋▊▉'[rest] ?? '') : '');
}
