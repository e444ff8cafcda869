/**
 * Small PromQL string builders. Every query in the catalog is built from these so that label
 * names and metric names come from the processor's metric catalog, never from string literals.
 */

/** A label matcher: `label op "value"`. */
export interface Matcher {
  readonly label: string;
  readonly op: '=' | '!=' | '=~' | '!~';
  readonly value: string;
}

/** Escape a value for a double-quoted PromQL string. */
export function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** `metric{a="b", ...}`; no braces when there are no matchers. */
export function selector(metric: string, matchers: readonly Matcher[] = []): string {
  if (matchers.length === 0) return metric;
  const inner = matchers.map((m) => `${m.label}${m.op}${quote(m.value)}`).join(', ');
  return `${metric}{${inner}}`;
}

/** `label=~"value"` helper. */
export function re(label: string, value: string): Matcher {
  return { label, op: '=~', value };
}

/** `label="value"` helper. */
export function eq(label: string, value: string): Matcher {
  return { label, op: '=', value };
}

/** `label!~"value"` helper. */
export function nre(label: string, value: string): Matcher {
  return { label, op: '!~', value };
}

/** `sum by (l1, l2) (expr)`; plain `sum(expr)` without labels. */
export function sumBy(labels: readonly string[], expr: string): string {
  return labels.length === 0 ? `sum(${expr})` : `sum by (${labels.join(', ')}) (${expr})`;
}

/** `count by (l1, l2) (expr)`; plain `count(expr)` without labels. */
export function countBy(labels: readonly string[], expr: string): string {
  return labels.length === 0 ? `count(${expr})` : `count by (${labels.join(', ')}) (${expr})`;
}

/** `on (l1, l2)`, `on ()` without labels: the vector-matching clause of a binary operator. */
export function on(labels: readonly string[]): string {
  return `on (${labels.join(', ')})`;
}

/** `max by (l1, l2) (expr)`: deduplicates gauges exported by several replicas. */
export function maxBy(labels: readonly string[], expr: string): string {
  return `max by (${labels.join(', ')}) (${expr})`;
}

/** Wrap in parentheses unless the expression is a bare identifier. */
export function paren(expr: string): string {
  return /^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(expr) ? expr : `(${expr})`;
}
