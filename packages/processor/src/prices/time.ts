/**
 * Strict UTC instant parsing for price files. `Date.parse` is too lenient (it reads
 * `2025-06-10T00:00` as *local* time), so only two forms are accepted:
 * a date `YYYY-MM-DD` (midnight UTC) or a date-time with an explicit `Z` or `±HH:MM` offset.
 */

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Epoch milliseconds of an instant string, or `undefined` when it is not a valid UTC instant. */
export function parseInstant(value: unknown): number | undefined {
  if (value instanceof Date) {
    const ms = value.getTime();
    return Number.isFinite(ms) ? ms : undefined;
  }
  if (typeof value !== 'string') return undefined;
  const dateOnly = DATE_ONLY.exec(value);
  if (dateOnly) {
    const [, y, m, d] = dateOnly;
    const ms = Date.UTC(Number(y), Number(m) - 1, Number(d));
    // Reject 2025-02-30 and friends, which Date.UTC silently rolls over.
    return new Date(ms).toISOString().slice(0, 10) === value ? ms : undefined;
  }
  if (!DATE_TIME.test(value)) return undefined;
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) return undefined;
  // Reject out-of-range fields (month 13, hour 25) that some engines roll over.
  const month = Number(value.slice(5, 7));
  const day = Number(value.slice(8, 10));
  const hour = Number(value.slice(11, 13));
  const minute = Number(value.slice(14, 16));
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59) return undefined;
  return ms;
}

/** ISO-8601 UTC string of epoch milliseconds (`2025-06-10T00:00:00.000Z`). */
export function isoOf(ms: number): string {
  return new Date(ms).toISOString();
}
