/** `YYYY-MM` (UTC) of an instant: the signup cohort. */
export function cohortOf(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

function offsetInMonth(d: Date): number {
  return d.getTime() - Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

/**
 * Whole months (UTC) from `signupMs` to `nowMs`: 0 during the first month after signup, 1 from
 * the same day-of-month and time one month later, and so on. Never negative.
 */
export function ageInMonths(signupMs: number, nowMs: number): number {
  if (!(nowMs > signupMs)) return 0;
  const s = new Date(signupMs);
  const n = new Date(nowMs);
  let months = (n.getUTCFullYear() - s.getUTCFullYear()) * 12 + (n.getUTCMonth() - s.getUTCMonth());
  if (offsetInMonth(n) < offsetInMonth(s)) months--;
  return Math.max(0, months);
}
