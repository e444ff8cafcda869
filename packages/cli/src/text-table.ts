/** The one plain-text table renderer of every `ai-margin` command's terminal output. */

export interface Column {
  header: string;
  align?: 'left' | 'right';
}

export interface TableStyle {
  /** Put before every line (the demo report indents its tables). */
  indent?: string;
  /** Character of the rule under the header; none when omitted. */
  rule?: string;
}

/** Renders rows under headers, each column padded to its widest cell; trailing spaces trimmed. */
export function textTable(
  columns: readonly Column[],
  rows: readonly (readonly string[])[],
  style: TableStyle = {},
): string {
  const indent = style.indent ?? '';
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
  const lines = [line(columns.map((c) => c.header))];
  if (style.rule) lines.push(indent + widths.map((w) => style.rule?.repeat(w)).join('  '));
  for (const row of rows) lines.push(line(row));
  return lines.join('\n');
}

/** Columns from header texts; the columns whose index is in `right` are right-aligned. */
export function columnsOf(
  headers: readonly string[],
  right: ReadonlySet<number> = new Set(),
): Column[] {
  return headers.map((header, i) => ({ header, align: right.has(i) ? 'right' : 'left' }));
}
