/**
 * Strict ISO-8601 signup dates: `YYYY-MM-DD` (midnight UTC) or `YYYY-MM-DDTHH:MM[:SS[.fff]]`
 * with a zone (`Z` or `±HH:MM`). `Date.parse` is not used: it accepts "March 7" (as 2001),
 * "1" and rolls "2025-02-30" over to March 2.
 */
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|([+-])(\d{2}):(\d{2})))?$/;

export const SIGNUP_DATE_FORMAT = 'YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]Z (or ±HH:MM)';

/** Epoch ms of a strict ISO date or date-time, or a reason it is not one. */
export function parseSignupDate(value: unknown): { ms: number } | { error: string } {
  if (typeof value !== 'string') return { error: `expected a string, got ${typeof value}` };
  const m = ISO.exec(value);
  if (!m) {
    const zoneless = /^\d{4}-\d{2}-\d{2}T[\d:.]+$/.test(value);
    return {
      error: zoneless
        ? `${JSON.stringify(value)} has no time zone: add Z (UTC) or ±HH:MM`
        : `${JSON.stringify(value)} is not an ISO date (${SIGNUP_DATE_FORMAT})`,
    };
  }
  const [y, mo, d, h = '0', mi = '0', s = '0', frac = '', , sign, oh = '0', om = '0'] = m.slice(1);
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  // Date.UTC reads years 0-99 as 1900-1999; no signup predates 1900 anyway.
  if (year < 1900) return { error: `${JSON.stringify(value)}: year ${y} is before 1900` };
  const dayMs = Date.UTC(year, month - 1, day);
  const date = new Date(dayMs);
  if (
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day
  ) {
    return { error: `${JSON.stringify(value)}: ${y}-${mo}-${d} is not a calendar date` };
  }
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59 || Number(oh) > 23 || Number(om) > 59) {
    return { error: `${JSON.stringify(value)}: time or zone out of range` };
  }
  const offsetMs = (Number(oh) * 60 + Number(om)) * 60_000 * (sign === '-' ? -1 : 1);
  const fracMs = Number(`0.${frac || '0'}`) * 1000;
  const ms = dayMs + ((Number(h) * 60 + Number(mi)) * 60 + Number(s)) * 1000 + fracMs - offsetMs;
  return { ms: Math.floor(ms) };
}
