/**
 * Where the report reads its figures: the recording rules (what the dashboards read: cheap at any
 * number of customers) or the raw counters (any window and filter, but every sample of the window:
 * at 10,000 customers a 30-day report on raw counters takes minutes). `auto` takes the rules when
 * they can answer exactly what was asked, and the raw counters otherwise.
 */
import {
  type Filters,
  isTiled,
  RECORD,
  RECORDED_LOOKBACK_MINUTES,
  RECORDED_WINDOWS,
  recorded,
  scopeMatchers,
  WINDOWS,
  type Window,
} from '@ai-margin/dashboards';
import type { QueryClient } from './build';

export const REPORT_SOURCES = ['auto', 'rules', 'raw'] as const;
export type ReportSource = (typeof REPORT_SOURCES)[number];

/** Filters only the raw counters carry: the rules sum every job, and customers per model/feature. */
const RAW_ONLY_FILTERS = ['customer', 'feature', 'model', 'provider', 'job'] as const;

/** A window the rules record, by name (`30d`). */
type RecordedWindowName = (typeof RECORDED_WINDOWS)[number];

export type SourceChoice =
  | { source: 'rules'; window: RecordedWindowName }
  | { source: 'raw'; reason: string };

/** The recorded window of the same length as `window` (`720h` is `30d`), if the rules record one. */
export function recordedWindowOf(window: Window): RecordedWindowName | undefined {
  return RECORDED_WINDOWS.find((name) => WINDOWS[name].seconds === window.seconds);
}

/** Why the rules cannot answer this report at all (window or filters), or undefined. */
export function rulesCannotAnswer(window: Window, f: Filters): string | undefined {
  if (recordedWindowOf(window) === undefined)
    return `the rules record ${RECORDED_WINDOWS.join(', ')} windows, not ${window.range}`;
  const rawOnly = RAW_ONLY_FILTERS.filter((k) => f[k] !== undefined);
  if (rawOnly.length > 0)
    return `the rules do not keep ${rawOnly.map((k) => `--${k}`).join(', ')} (they filter by --environment and --cluster only)`;
  return undefined;
}

/**
 * Why the rules' figures for the window ending at `at` would be incomplete, or undefined: no
 * evaluation of the window's rule near `at`, or (for a window built from hourly tiles) no tile
 * near the window's start, i.e. the rules were not running yet.
 */
export async function rulesMissing(
  client: QueryClient,
  w: RecordedWindowName,
  at: number,
  f: Filters,
): Promise<string | undefined> {
  const scope = scopeMatchers(f);
  const present = async (name: string, t: number) =>
    (await client.instant(`count(${recorded(name, scope)})`, t)).length > 0;
  const iso = (t: number) => new Date(t * 1000).toISOString();
  if (!(await present(RECORD.cost(w), at)))
    return `no ${RECORD.cost(w)} recorded in the ${RECORDED_LOOKBACK_MINUTES} minutes before ${iso(at)}`;
  if (isTiled(w)) {
    // The cost detail's hourly tiles: every cost window of the rules is added up from them, read
    // at whole hours; the oldest is at the first whole hour after the window's start.
    const tile = RECORD.costDetail('1h');
    const start = Math.floor((at - Number(WINDOWS[w].seconds)) / 3600) * 3600 + 3600;
    if (!(await present(tile, start)))
      return `no ${tile} recorded near ${iso(start)}, the start of the ${w} window (the rules were not running yet)`;
  }
  return undefined;
}

/** Picks the source for the report's window ending at `at`; throws when `rules` cannot answer. */
export async function chooseSource(
  client: QueryClient,
  window: Window,
  at: number,
  f: Filters,
  requested: ReportSource,
): Promise<SourceChoice> {
  if (requested === 'raw') return { source: 'raw', reason: '--source raw' };
  const w = recordedWindowOf(window);
  const reason =
    rulesCannotAnswer(window, f) ??
    (w === undefined ? undefined : await rulesMissing(client, w, at, f));
  if (reason === undefined && w !== undefined) return { source: 'rules', window: w };
  if (requested === 'rules') throw new Error(`--source rules: ${reason}; use --source raw`);
  return { source: 'raw', reason: reason ?? 'no recorded window' };
}
