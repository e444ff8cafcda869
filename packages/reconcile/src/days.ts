/** UTC day helpers. A day is `YYYY-MM-DD`; it spans [00:00, 24:00) UTC. */

const DAY_MS = 86_400_000;
const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isDay(text: string): boolean {
  const m = DAY_RE.exec(text);
  if (!m) return false;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return new Date(ms).toISOString().slice(0, 10) === text;
}

/** Epoch ms of the day's start (00:00 UTC). */
export function dayStartMs(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

export function dayOfMs(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function addDays(day: string, n: number): string {
  return dayOfMs(dayStartMs(day) + n * DAY_MS);
}

/** Days from `from` to `to`, both included. */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let ms = dayStartMs(from); ms <= dayStartMs(to); ms += DAY_MS) out.push(dayOfMs(ms));
  return out;
}

/** True when the epoch-ms instant is exactly a UTC midnight. */
export function isMidnightMs(ms: number): boolean {
  return ms % DAY_MS === 0;
}

export { DAY_MS };
